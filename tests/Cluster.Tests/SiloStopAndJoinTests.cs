// A silo stopped gracefully (SIGTERM) under load, then a new silo joining under load. One test in two phases on one
// cluster: the newcomer's workers are the cheapest, so it must not compete with the cheap silo the first phase stops.
using System.Diagnostics;
using Marketplace.Cluster.Tests.Support;
using Marketplace.GrainInterfaces;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests;

/// <summary>The cluster of <see cref="SiloStopAndJoinTests"/>.</summary>
public sealed class SiloStopAndJoinFixture() : ClusterFixture("stopjoin");

/// <summary>SIGTERM of one of three silos under load, then a fourth silo joining under load.</summary>
public sealed class SiloStopAndJoinTests(SiloStopAndJoinFixture fixture, ITestOutputHelper output) : IClassFixture<SiloStopAndJoinFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [PostgresFact]
    public async Task Stopped_silo_hands_off_its_jobs_and_a_joining_silo_takes_work()
    {
        var cluster = await fixture.ClusterAsync();
        var leaving = cluster.Silos[2];
        IReadOnlyList<SiloProcess> stayers = [cluster.Silos[0], cluster.Silos[1]];
        await using var load = JobLoad.Start(() => stayers, fixture.Program, SamplePrograms.HashInput(150_000, new string('x', 64)), TimeSpan.FromMilliseconds(300));
        using var reader = SiloCluster.Client(stayers[0]);

        // Phase 1: SIGTERM while the leaving silo's (cheapest) workers run jobs.
        await load.WaitAcceptedAsync(8, Bound);
        var runningOnLeaving = await SiloKillTests.RunningOnAsync(load, reader, leaving, Bound);
        var stopping = Stopwatch.StartNew();
        await leaving.TerminateAsync(Bound);
        var stopTook = stopping.Elapsed;
        var markedDead = await Eventually.Until(
            async () => await cluster.Database.MembershipStatusAsync(cluster.ClusterId, leaving.SiloPort) == ClusterDatabase.DeadStatus,
            Bound, $"{leaving.Name} marked dead in the membership table after its graceful stop");
        var acceptedAtStop = load.Accepted.Count;
        await load.WaitAcceptedAsync(acceptedAtStop + 10, Bound);

        // Phase 2: a new silo (cheapest workers again) joins while jobs keep coming through the two others.
        var joining = Stopwatch.StartNew();
        var joiner = cluster.Start(cheap: true);
        await joiner.WaitReadyAsync(SiloCluster.StartBound);
        var readyAfter = joining.Elapsed;
        var ranOnJoiner = await Eventually.Until(async () =>
        {
            load.ThrowIfAbandoned();
            var recent = await Task.WhenAll(load.Accepted.OrderByDescending(j => j.AcceptedAt).Take(10).Select(j => reader.GetJobAsync(j.JobId)));
            return recent.Any(i => i.Status == JobStatus.Completed && i.WorkerId!.StartsWith(joiner.WorkerPrefix, StringComparison.Ordinal));
        }, Bound, $"a job completed on a worker of the joining {joiner.Name} ({joiner.WorkerPrefix}*)");
        await load.StopAsync();

        var outcomes = await JobLoad.AuditAsync(load.Accepted, () => [.. stayers, joiner], Bound);
        Assert.Equal(load.Accepted.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Info.Status == JobStatus.Completed,
            $"{o.Info.JobId} ended {o.Info.Status} ({o.Info.FailureReason}: {o.Info.ErrorMessage})"));
        Assert.All(outcomes, o => Assert.True(o.Completions == 1, $"{o.Info.JobId} records {o.Completions} completions"));
        var byId = outcomes.ToDictionary(o => o.Info.JobId);
        var handedOff = runningOnLeaving.Count(id => !byId[id].Info.WorkerId!.StartsWith(leaving.WorkerPrefix, StringComparison.Ordinal));
        var onJoiner = outcomes.Count(o => o.Info.WorkerId!.StartsWith(joiner.WorkerPrefix, StringComparison.Ordinal));
        Assert.True(onJoiner > 0, $"no job ran on {joiner.Name}");

        var report = $"SIGTERM of {leaving.Name}: exited {stopTook.TotalSeconds:0.0} s after the signal, marked dead {markedDead.TotalSeconds:0.0} s after its exit; "
            + $"of the {runningOnLeaving.Count} job(s) running on it, {handedOff} completed on another silo; "
            + $"{joiner.Name} joined (ready {readyAfter.TotalSeconds:0.0} s after its start) and completed its first job {(readyAfter + ranOnJoiner).TotalSeconds:0.0} s after its start, "
            + $"{onJoiner} in all; {outcomes.Count} jobs accepted, all completed exactly once";
        output.WriteLine(report);
        Console.WriteLine("[cluster] " + report);
    }
}
