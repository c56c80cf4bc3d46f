using System.Globalization;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Programs;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>A job's state commit is fenced by the job: another attempt of a job that committed (a retry after its
/// silo died, a duplicate activation) writes nothing and reproduces the committed transition; the fence is bounded,
/// durable, and refuses jobs older than what it remembers.</summary>
public sealed class StateCommitFenceTests(ProgramsSiloFixture fixture) : IClassFixture<ProgramsSiloFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Another_attempt_of_a_job_that_committed_reproduces_its_result_and_writes_nothing()
    {
        var program = await fixture.DeployFreshAsync("state");
        var state = fixture.Grains.GetGrain<IProgramStateGrain>(program.Id);
        var first = await RunAsync(fixture.Runner, program, "job-a", Start);
        Assert.Equal(ProgramRunOutcome.Succeeded, first.Outcome);
        Assert.Equal(1L, BitConverter.ToInt64(first.Output.Span));
        var other = await RunAsync(fixture.Runner, program, "job-b", Start);
        Assert.Equal(2L, BitConverter.ToInt64(other.Output.Span));

        // The second attempt of job-a runs on version 2, finds its job's commit, and re-executes on version 0.
        var again = await RunAsync(fixture.Runner, program, "job-a", Start);
        Assert.Equal(ProgramRunOutcome.Succeeded, again.Outcome);
        Assert.Equal(1L, BitConverter.ToInt64(again.Output.Span));
        Assert.Equal(first.StateRoot, again.StateRoot);
        Assert.Equal(first.Provenance!.StateRootIn, again.Provenance!.StateRootIn);
        Assert.Contains(again.Logs, l => l.Message.Contains("earlier attempt of this job committed state version 1", StringComparison.Ordinal));
        var snapshot = await state.GetSnapshotAsync();
        Assert.Equal((2L, other.StateRoot), (snapshot.Version, snapshot.Root));
        Assert.Equal(2L, Counter(snapshot));

        // A run that belongs to no job is not fenced.
        var unfenced = await fixture.RunAsync(program, Op());
        Assert.Equal(3L, BitConverter.ToInt64(unfenced.Output.Span));
    }

    [Fact]
    public async Task The_fence_forgets_the_oldest_jobs_and_refuses_jobs_created_before_them_across_a_restart()
    {
        var time = new ManualClock(Start);
        await using var silo = await MarketplaceTestSilo.StartAsync(
            new Dictionary<string, string?>
            {
                ["Marketplace:Programs:StateFenceJobs"] = "2",
                ["Marketplace:Programs:StateFenceAge"] = "01:00:00",
            },
            services => services.AddSingleton(new ProgramStateClock(time)));
        var state = silo.Grains.GetGrain<IProgramStateGrain>("prog-fence-" + Guid.NewGuid().ToString("N"));
        var roots = new List<string> { (await state.GetSnapshotAsync()).Root };
        for (var job = 1; job <= 3; job++)
        {
            var commit = await state.CommitForJobAsync($"job-{job}", Start.AddSeconds(job), job - 1, [Write("k", job)]);
            Assert.True(commit.Committed);
            roots.Add(commit.Root);
        }

        // job-1 is forgotten (two are kept), so the floor is its creation time.
        var forgotten = await state.CommitForJobAsync("job-1", Start.AddSeconds(1), 3, [Write("k", 9)]);
        Assert.False(forgotten.Committed);
        Assert.True(forgotten.JobTooOld);
        var neverCommitted = await state.CommitForJobAsync("job-0", Start.AddSeconds(0.5), 3, [Write("k", 9)]);
        Assert.True(neverCommitted.JobTooOld);
        var remembered = await state.CommitForJobAsync("job-2", Start.AddSeconds(2), 3, [Write("k", 9)]);
        Assert.False(remembered.Committed);
        Assert.Equal((2L, roots[1]), (remembered.CommittedEarlier, remembered.CommittedEarlierRootIn));
        // A stale version does not hide the fence: the job's earlier commit is named first.
        Assert.Equal(3L, (await state.CommitForJobAsync("job-3", Start.AddSeconds(3), 0, [Write("k", 9)])).CommittedEarlier);

        await silo.RestartAsync();
        state = silo.Grains.GetGrain<IProgramStateGrain>(state.GetPrimaryKeyString());
        Assert.Equal(3L, (await state.CommitForJobAsync("job-3", Start.AddSeconds(3), 3, [Write("k", 9)])).CommittedEarlier);
        Assert.True((await state.CommitForJobAsync("job-1", Start.AddSeconds(1), 3, [Write("k", 9)])).JobTooOld);

        // Past the fence's age every earlier commit is forgotten at the next commit.
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.True((await state.CommitForJobAsync("job-4", Start.AddSeconds(4), 3, [Write("k", 4)])).Committed);
        Assert.True((await state.CommitForJobAsync("job-3", Start.AddSeconds(3), 4, [Write("k", 9)])).JobTooOld);
        Assert.Equal(4L, (await state.CommitForJobAsync("job-4", Start.AddSeconds(4), 4, [Write("k", 9)])).CommittedEarlier);
        Assert.Equal(4L, (await state.GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task An_attempt_whose_job_committed_on_a_state_no_longer_kept_fails_and_writes_nothing()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Programs:StateHistoryCommits"] = "1",
            ["Marketplace:Programs:StateHistoryAge"] = "00:00:00",
        });
        var manifest = ProgramsSiloFixture.Manifest("state");
        var deployment = ProgramDeployments.Create(ProgramsSiloFixture.Module("state"), manifest, ProgramsSiloFixture.DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, manifest.Salt);
        var program = await silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo);
        var runner = silo.Services.GetRequiredService<IProgramRunner>();
        Assert.Equal(ProgramRunOutcome.Succeeded, (await RunAsync(runner, program, "job-a", Start)).Outcome);
        Assert.Equal(ProgramRunOutcome.Succeeded, (await RunAsync(runner, program, "job-b", Start)).Outcome);

        var again = await RunAsync(runner, program, "job-a", Start);
        Assert.Equal(ProgramRunOutcome.StateUnavailable, again.Outcome);
        Assert.Contains("earlier attempt of job job-a committed", again.Error, StringComparison.Ordinal);
        var snapshot = await silo.Grains.GetGrain<IProgramStateGrain>(program.Id).GetSnapshotAsync();
        Assert.Equal((2L, 2L), (snapshot.Version, Counter(snapshot)));
    }

    [Fact]
    public async Task A_job_commit_without_a_job_id_is_refused()
    {
        var state = fixture.Grains.GetGrain<IProgramStateGrain>("prog-fence-" + Guid.NewGuid().ToString("N"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => state.CommitForJobAsync("", Start, 0, [Write("k", 1)]));
        Assert.Equal(0L, (await state.GetSnapshotAsync()).Version);
    }

    private static Task<ProgramRunResult> RunAsync(IProgramRunner runner, ProgramInfo program, string jobId, DateTimeOffset createdAt) =>
        runner.RunAsync(
            new ProgramRunRequest
            {
                ProgramId = program.Id,
                Input = Op(),
                MaxFuel = 50_000_000,
                MaxMemoryBytes = 64L * 1024 * 1024,
                Timeout = TimeSpan.FromSeconds(30),
                JobId = jobId,
                StartTime = createdAt,
            },
            CancellationToken.None);

    /// <summary>The state module's counter: adds one to the key "counter" and answers the new value.</summary>
    private static byte[] Op() => [(byte)'C', 0, .. BitConverter.GetBytes(0)];

    private static long Counter(StateSnapshot snapshot) =>
        BitConverter.ToInt64(snapshot.Entries.Single(e => Encoding.ASCII.GetString(e.Key) == "counter").Value);

    private static StateWrite Write(string key, int value) =>
        new() { Key = Encoding.ASCII.GetBytes(key), Value = Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)) };
}
