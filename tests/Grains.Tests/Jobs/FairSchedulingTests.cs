using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>One client's flood of jobs neither starves another client nor fails for lack of room: the worker keeps
/// room in its queue for other clients and starts their attempts next; the flood's jobs wait for room.</summary>
public sealed class FairSchedulingTests(ITestOutputHelper output)
{
    private const int Flood = 40;
    private const int Iterations = 200_000; // about 8 M fuel: some milliseconds per run

    [Fact]
    public async Task AFloodFromOneClientDelaysAnotherClientsJobsByAtMostTheRunInProgress()
    {
        // One worker, one slot, a queue of 8 of which one client may hold 2 (a quarter).
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", capacity: 1, queue: 8));
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var flood = await Task.WhenAll(Enumerable.Range(0, Flood).Select(i =>
            silo.Grains.SubmitAsync(Job(slow, "client-a", "a" + i))));

        // While the flood runs, client B submits jobs one after another.
        var bJobs = new List<JobInfo>();
        for (var i = 0; i < 3; i++)
        {
            var submitted = await silo.Grains.SubmitAsync(Job(slow, "client-b", "b" + i));
            bJobs.Add(await WaitAsync(silo, "client-b", submitted.JobId));
        }

        var aJobs = new List<JobInfo>();
        foreach (var job in flood)
        {
            aJobs.Add(await WaitAsync(silo, "client-a", job.JobId));
        }

        // Every job of the flood ran: waiting for room is not a failure.
        Assert.All(aJobs, j => Assert.Equal(JobStatus.Completed, j.Status));
        Assert.All(aJobs, j => Assert.Equal(0, j.RetryCount));
        foreach (var b in bJobs)
        {
            Assert.Equal(JobStatus.Completed, b.Status);
            var ahead = aJobs.Count(a => a.StartedAt > b.CreatedAt && a.StartedAt < b.StartedAt);
            var stillWaiting = aJobs.Count(a => a.StartedAt > b.StartedAt);
            output.WriteLine($"{b.RequestId}: submit -> start {(b.StartedAt - b.CreatedAt)!.Value.TotalMilliseconds:F1} ms; A jobs started in between: {ahead}; A jobs still waiting then: {stillWaiting}");
            Assert.True(ahead <= 2, $"{ahead} of client A's jobs started between {b.RequestId}'s submit and its start");
        }

        // B's jobs overtook the flood: some of A's jobs started after each of them.
        Assert.All(bJobs, b => Assert.Contains(aJobs, a => a.StartedAt > b.StartedAt));
    }

    private static JobSubmission Job(string program, string client, string requestId) => new()
    {
        ClientId = client,
        RequestId = requestId,
        Program = program,
        InputInline = JobsKit.Iterations(Iterations),
        MaxRetries = 0,
    };

    private static async Task<JobInfo> WaitAsync(MarketplaceTestSilo silo, string client, string jobId)
    {
        var job = silo.Grains.GetGrain<IJobGrain>(jobId);
        for (var i = 0; i < 12_000; i++)
        {
            var info = await job.GetAsync(client);
            if (info.Status >= JobStatus.Completed)
            {
                return info;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException($"job {jobId} did not finish within 60 s");
    }
}
