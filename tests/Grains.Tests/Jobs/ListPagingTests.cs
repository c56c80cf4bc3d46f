using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Marketplace.Grains.Tests.Programs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Pages of a client's jobs, of a job's log and of the workers: each entry once, in order; a jobs cursor that
/// survives trims and a restart; cursors bound to their list, filter and job.</summary>
public sealed class ListPagingTests
{
    private const string Client = "paging-client";

    [Fact]
    public async Task JobPagesStayInOrderWhileNewerJobsArriveAndOldOnesAreTrimmed()
    {
        // 32 jobs kept; a list grown past 36 is cut back to the newest 32 finished ones.
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1")
            .Set("Marketplace:Jobs:MaxClientJobs", "32").Set("Marketplace:Jobs:MaxUnfinishedJobsPerClient", "32"));
        var jobs = silo.Grains.GetGrain<IClientJobsGrain>(Client);
        await AddFinishedAsync(jobs, 0, 30);
        var full = (await jobs.ListAsync(null, null, PageLimits.Max)).Jobs.Select(j => j.JobId).ToList();
        Assert.Equal(30, full.Count);

        foreach (var limit in new[] { 1, 4, 30 })
        {
            Assert.Equal(full, await WalkAsync(jobs, null, limit));
        }

        var first = await Listings.JobsAsync(jobs, null, null, 10);
        Assert.Equal(full[..10], first.Items.Select(j => j.JobId));
        var deep = await Listings.JobsAsync(jobs, null, null, 25);

        // 15 newer jobs grow the list past 36 entries twice; each time it is cut to the newest 32, so jobs 0-9 go.
        await AddFinishedAsync(jobs, 30, 15);
        var now = (await jobs.ListAsync(null, null, PageLimits.Max)).Jobs.Select(j => j.JobId).ToList();
        Assert.Equal(35, now.Count);
        Assert.DoesNotContain(full[^1], now);
        var rest = await WalkAsync(jobs, first.NextCursor, 3);
        Assert.Equal(full[10..20], rest);
        Assert.Equal(now[(now.IndexOf(full[9]) + 1)..], rest);

        // A cursor whose job was trimmed continues below its position: here nothing older is left.
        Assert.Empty(await WalkAsync(jobs, deep.NextCursor, 3));

        // Positions are stored: the same cursor continues the same way after a restart.
        await silo.RestartAsync();
        Assert.Equal(full[10..20], await WalkAsync(silo.Grains.GetGrain<IClientJobsGrain>(Client), first.NextCursor, 5));
    }

    [Fact]
    public async Task AJobListOfAnEarlierVersionGetsPositionsAndPagesCorrectly()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var jobs = silo.Grains.GetGrain<IClientJobsGrain>("old-client");
        var summaries = Enumerable.Range(0, 12).Select(i => Summary(i, JobStatus.Completed)).ToList();
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        await storage.WriteStateAsync("client-jobs", jobs.GetGrainId(), new GrainState<ClientJobsState>(new ClientJobsState { Jobs = summaries, Sequences = [], NextSequence = 0 }));

        var expected = summaries.Select(j => j.JobId).Reverse().ToList();
        Assert.Equal(expected, await WalkAsync(jobs, null, 5));
        await jobs.AddAsync(Summary(12, JobStatus.Completed));
        await WaitCountAsync(jobs, 13);
        Assert.Equal([Summary(12, JobStatus.Completed).JobId, .. expected], await WalkAsync(jobs, null, 4));
    }

    [Fact]
    public async Task AJobsCursorIsBoundToItsStatusFilter()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var jobs = silo.Grains.GetGrain<IClientJobsGrain>(Client);
        await AddFinishedAsync(jobs, 0, 6);
        for (var i = 6; i < 9; i++)
        {
            await jobs.AddAsync(Summary(i, JobStatus.Failed));
        }

        await WaitCountAsync(jobs, 9);
        var failed = await Listings.JobsAsync(jobs, JobStatus.Failed, null, 2);
        Assert.Equal([Summary(8, JobStatus.Failed).JobId, Summary(7, JobStatus.Failed).JobId], failed.Items.Select(j => j.JobId));
        var last = await Listings.JobsAsync(jobs, JobStatus.Failed, failed.NextCursor, 2);
        Assert.Equal(Summary(6, JobStatus.Failed).JobId, Assert.Single(last.Items).JobId);
        Assert.Null(last.NextCursor);

        var e = await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.JobsAsync(jobs, JobStatus.Completed, failed.NextCursor, 2));
        Assert.Equal("cursor: it was issued for status failed, not for status completed", e.Message);
        e = await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.JobsAsync(jobs, null, failed.NextCursor, 2));
        Assert.Equal("cursor: it was issued for status failed, not for all jobs", e.Message);
        foreach (var cursor in new[] { PageCursor.Encode(Listings.JobsList, "", "0"), PageCursor.Encode(Listings.JobsList, "", "-3"), PageCursor.Encode(Listings.JobsList, "", "x") })
        {
            Assert.StartsWith("cursor: ", (await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.JobsAsync(jobs, null, cursor, 2))).Message, StringComparison.Ordinal);
        }

        var none = await Listings.JobsAsync(jobs, JobStatus.Expired, null, 1);
        Assert.Empty(none.Items);
        Assert.Null(none.NextCursor);
    }

    [Fact]
    public async Task LogPagesGiveTheWholeLogOnceAfterOldLinesWereDropped()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1").Set("Marketplace:Jobs:MaxLogEntries", "12"));
        var manifest = new ProgramManifest { Name = "log-lines", Version = "1.0.0" };
        var deployment = ProgramDeployments.Create(ProgramsSiloFixture.Module("state"), manifest, JobsKit.DeployerKey);
        var program = await silo.Grains.GetGrain<IProgramGrain>(ProgramDeployments.ComputeProgramId(deployment.Wasm, manifest.Salt)).DeployAsync(deployment, BlobCaller.Silo);

        // The program logs 40 lines; the job keeps its first line and the newest 11.
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program.Id, s => s.InputInline = [(byte)'O', 0, .. JobsKit.Iterations(40)]));
        Assert.Equal(JobStatus.Completed, (await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60))).Status);
        var grain = silo.Grains.GetGrain<IJobGrain>(job.JobId);
        var whole = await grain.GetLogsAsync(JobsKit.Client, null, PageLimits.Max);
        Assert.Equal(12, whole.Logs.Count);
        Assert.Null(whole.Next);
        Assert.StartsWith("submitted", whole.Logs[0].Message, StringComparison.Ordinal);

        foreach (var limit in new[] { 1, 5, 12 })
        {
            var lines = new List<string>();
            string? cursor = null;
            do
            {
                var page = await Listings.JobLogsAsync(grain, job.JobId, JobsKit.Client, cursor, limit);
                Assert.InRange(page.Items.Count, 1, limit);
                lines.AddRange(page.Items.Select(l => $"{l.Timestamp:O} {l.Message}"));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Equal(whole.Logs.Select(l => $"{l.Timestamp:O} {l.Message}"), lines);
        }

        // The hash chain over the same lines checks with the gap: its numbering and its last dropped line's hash.
        var history = await grain.GetHistoryAsync(JobsKit.Client);
        Assert.Equal(whole.Logs.Select(l => l.Message), history.Entries.Select(e => e.Message));
        Assert.True(history.DroppedLines > 0);
        Assert.Equal(history.DroppedLines + 1, history.Entries[1].Sequence);
        Assert.Equal(HistoryVerification.Valid, JobHistoryChain.Verify(history));
        Assert.Equal(HistoryVerification.Valid, JobHistoryChain.Verify(history, history.Entries[5].Hash));
        var cut = JobHistoryJson.Parse(JobHistoryJson.Serialize(history));
        cut.DroppedLastHash = cut.Entries[0].Hash;
        Assert.Equal(HistoryFailure.HashMismatch, JobHistoryChain.Verify(cut).Failure);

        // Sequence numbers: the first line is 0, the second comes after the dropped ones.
        var one = await grain.GetLogsAsync(JobsKit.Client, null, 1);
        Assert.Equal(0, one.Next);
        var two = await grain.GetLogsAsync(JobsKit.Client, 0, 1);
        Assert.True(two.Next > 1, $"the second line's number {two.Next} should count the dropped lines");
        Assert.Empty((await grain.GetLogsAsync(JobsKit.Client, long.MaxValue, 10)).Logs);

        var other = await silo.Grains.SubmitAsync(JobsKit.Job(program.Id, s => s.InputInline = [(byte)'O', 0, .. JobsKit.Iterations(1)]));
        var e = await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.JobLogsAsync(silo.Grains.GetGrain<IJobGrain>(other.JobId), other.JobId, JobsKit.Client, PageCursor.Encode(Listings.JobLogsList, job.JobId, "0"), 5));
        Assert.StartsWith($"cursor: it was issued for the log of job {job.JobId[..20]}", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AccessDeniedException>(() => Listings.JobLogsAsync(grain, job.JobId, "someone-else", null, 5));
    }

    [Fact]
    public async Task WorkerPagesListEveryWorkerOnceById()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w-c").Worker("w-a").Worker("w-b").Worker("w-d"));
        var directory = silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        foreach (var limit in new[] { 1, 3 })
        {
            var ids = new List<string>();
            string? cursor = null;
            do
            {
                var page = await Listings.WorkersAsync(directory, cursor, limit);
                ids.AddRange(page.Items.Select(w => w.WorkerId));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Equal(["w-a", "w-b", "w-c", "w-d"], ids);
        }

        Assert.Equal(4, await directory.CountAsync());
        Assert.Empty(await directory.ListAsync("w-z", 10));
        Assert.Equal(["w-c", "w-d"], (await directory.ListAsync("w-bb", 10)).Select(w => w.WorkerId));
        Assert.StartsWith("cursor: ", (await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.WorkersAsync(directory, PageCursor.Encode(Listings.WorkersList, ""), 10))).Message, StringComparison.Ordinal);
    }

    private static JobSummary Summary(int i, JobStatus status) => new()
    {
        JobId = "job" + i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture),
        ProgramId = "prog" + new string('0', 64),
        Status = status,
        CreatedAt = DateTimeOffset.UnixEpoch.AddSeconds(i),
        CompletedAt = DateTimeOffset.UnixEpoch.AddSeconds(i + 1),
    };

    /// <summary>Adds finished jobs <paramref name="from"/>.. one at a time (each add is one-way, so the next is sent
    /// once the list shows the last), so their list order is their number.</summary>
    private static async Task AddFinishedAsync(IClientJobsGrain jobs, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            await jobs.AddAsync(Summary(i, JobStatus.Completed));
            await WaitListedAsync(jobs, Summary(i, JobStatus.Completed).JobId);
        }
    }

    private static async Task WaitListedAsync(IClientJobsGrain jobs, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await jobs.ListAsync(null, null, 1)).Jobs.FirstOrDefault()?.JobId != jobId)
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} was not listed in time");
            await Task.Delay(5);
        }
    }

    private static async Task WaitCountAsync(IClientJobsGrain jobs, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await jobs.ListAsync(null, null, PageLimits.Max)).Jobs.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} jobs listed in time");
            await Task.Delay(5);
        }
    }

    private static async Task<List<string>> WalkAsync(IClientJobsGrain jobs, string? cursor, int limit)
    {
        var ids = new List<string>();
        do
        {
            var page = await Listings.JobsAsync(jobs, null, cursor, limit);
            Assert.InRange(page.Items.Count, 0, limit);
            ids.AddRange(page.Items.Select(j => j.JobId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }
}
