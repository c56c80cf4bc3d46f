// A silo process killed with SIGKILL while jobs arrive at a steady rate through the other silos' APIs.
using System.Diagnostics;
using Marketplace.Cluster.Tests.Support;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests;

/// <summary>The cluster of <see cref="SiloKillTests"/>.</summary>
public sealed class SiloKillFixture() : ClusterFixture("kill");

/// <summary>SIGKILL of one of three silos under load.</summary>
public sealed class SiloKillTests(SiloKillFixture fixture, ITestOutputHelper output) : IClassFixture<SiloKillFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [PostgresFact]
    public async Task Killed_silo_loses_no_job_and_completes_none_twice()
    {
        var cluster = await fixture.ClusterAsync();
        var victim = cluster.Silos[2];
        IReadOnlyList<SiloProcess> survivors = [cluster.Silos[0], cluster.Silos[1]];

        // About 0.4 s of CPU per job: long enough to be caught running on the victim's workers.
        await using var load = JobLoad.Start(() => survivors, fixture.Program, SamplePrograms.HashInput(150_000, new string('x', 64)), TimeSpan.FromMilliseconds(300));
        using var reader = SiloCluster.Client(survivors[0]);
        await using var gateway = await GatewayConnection.ConnectAsync([$"127.0.0.1:{survivors[0].GatewayPort}", $"127.0.0.1:{survivors[1].GatewayPort}"], new GatewayCredential(TestGatewayServices.Operator, TestGatewayServices.OperatorSecret), cluster.ClusterId);
        var management = gateway.Client.GetGrain<IManagementGrain>(0);

        // The victim's workers are the cheapest, so it runs most jobs. A burst of twelve long jobs (near the fuel cap)
        // fills its two run slots and queues behind them; kill it while one of them waits in a queue, so it is cut off.
        await load.WaitAcceptedAsync(8, Bound);
        // Matching may spread a burst over every silo; send bursts until one leaves jobs waiting on the victim (at most
        // eight bursts, each watched for 20 s).
        var runningOnVictim = new List<string>();
        var seen = "";
        HashSet<string> onVictim;
        for (var round = 1; ; round++)
        {
            var burst = await load.SubmitBurstAsync(12, SamplePrograms.HashInput(300_000, new string('x', 64)));
            try
            {
                await Eventually.Until(async () =>
                {
                    var infos = await Task.WhenAll(burst.Select(id => reader.GetJobAsync(id)));
                    seen = string.Join("; ", infos.Select(i => $"{i.Status}@{i.WorkerId} fuel {i.FuelConsumed} {i.FailureReason} {i.ErrorMessage}"));
                    var onVictimWorkers = infos.Where(i => i.Status == JobStatus.Running
                        && i.WorkerId!.StartsWith(victim.WorkerPrefix, StringComparison.Ordinal)).ToList();
                    runningOnVictim = onVictimWorkers.Select(i => i.JobId).ToList();
                    return onVictimWorkers.Count >= 3 && onVictimWorkers.Any(i => i.StartedAt is null);
                }, TimeSpan.FromSeconds(20), () => $"three long jobs assigned to {victim.Name}'s single-slot workers, one still queued: {seen}");
            }
            catch (TimeoutException)
            {
                // How matching chose: the bids and declines each job's round heard, and the winner's score.
                output.WriteLine($"burst {round} did not queue on {victim.Name}: {seen}; matching: {await MatchingOfAsync(reader, burst)}");
                if (round >= 8)
                {
                    throw;
                }

                continue;
            }

            // The job grains living on the victim just before the kill (placement spread the jobs over the three
            // silos). Asking every silo takes a while on a busy machine, so the queued job is looked at once more
            // afterwards: the kill follows only while one of the victim's jobs is still waiting for its run.
            onVictim = JobGrainsOn(await management.GetDetailedGrainStatistics(), victim.SiloPort);
            var stillQueued = (await Task.WhenAll(runningOnVictim.Select(id => reader.GetJobAsync(id)))).Any(i => i.StartedAt is null && i.Status == JobStatus.Running);
            if (stillQueued || round >= 8)
            {
                break;
            }

            output.WriteLine($"burst {round}: {victim.Name}'s queued job started before the kill could follow; another burst");
        }

        var acceptedBeforeKill = load.Accepted.Count;
        var killedAt = DateTimeOffset.UtcNow;
        var sinceKill = Stopwatch.StartNew();
        victim.Kill();
        var declaredDead = await Eventually.Until(
            async () => await cluster.Database.MembershipStatusAsync(cluster.ClusterId, victim.SiloPort) == ClusterDatabase.DeadStatus,
            Bound, $"{victim.Name} declared dead in the membership table");
        await load.WaitAcceptedAsync(acceptedBeforeKill + 20, Bound);
        await load.StopAsync();

        var outcomes = await JobLoad.AuditAsync(load.Accepted, () => survivors, Bound);
        var recovered = sinceKill.Elapsed;

        Assert.Equal(load.Accepted.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Info.Status == JobStatus.Completed,
            $"{o.Info.JobId} ended {o.Info.Status} ({o.Info.FailureReason}: {o.Info.ErrorMessage})"));
        Assert.All(outcomes, o => Assert.True(o.Completions == 1, $"{o.Info.JobId} records {o.Completions} completions"));
        var byId = outcomes.ToDictionary(o => o.Info.JobId);
        var runTimes = outcomes.Where(o => o.Info.StartedAt is not null).Select(o => (o.Info.CompletedAt!.Value - o.Info.StartedAt!.Value).TotalMilliseconds).Order().ToList();
        // A report the victim sent just before it died may still be processed after the kill; a job whose attempt was
        // cut off by the kill completes on a survivor's worker.
        var handedOff = runningOnVictim.Where(id => !byId[id].Info.WorkerId!.StartsWith(victim.WorkerPrefix, StringComparison.Ordinal)).ToList();
        Assert.True(handedOff.Count > 0, $"none of the {runningOnVictim.Count} jobs seen running on {victim.Name} just before the kill was still running at the kill ({killedAt:HH:mm:ss.fff}, median run {runTimes[runTimes.Count / 2]:0} ms): "
            + string.Join("; ", runningOnVictim.Select(id => $"{id} matched {byId[id].Info.MatchedAt:HH:mm:ss.fff} started {byId[id].Info.StartedAt:HH:mm:ss.fff} completed {byId[id].Info.CompletedAt:HH:mm:ss.fff} on {byId[id].Info.WorkerId}")));

        // Grains that lived on the victim answer again from survivors. Its worker grains always lived there (placed by
        // silo metadata): called now, each answers from a survivor as an offline stand-in. Its job grains, when
        // placement had put some there (it weighs silo load, and the victim ran most jobs), are active on survivors
        // after the audit called them.
        for (var i = 1; i <= 2; i++)
        {
            var worker = await gateway.Client.GetGrain<IWorkerGrain>($"{victim.WorkerPrefix}w{i}").GetAsync();
            Assert.False(worker.Online, $"{worker.WorkerId} of the dead {victim.Name} answers as online");
        }

        var after = await management.GetDetailedGrainStatistics();
        var survivorPorts = survivors.Select(s => s.SiloPort).ToHashSet();
        var reactivated = after.Where(s => onVictim.Contains(s.GrainId.Key.ToString()!) && survivorPorts.Contains(s.SiloAddress.Endpoint.Port))
            .Select(s => s.GrainId.Key.ToString()).Distinct().Count();
        Assert.True(onVictim.Count == 0 || reactivated > 0, $"none of the {onVictim.Count} job grains of {victim.Name} is active on a survivor");

        var firstOnSurvivor = outcomes.Where(o => o.Info.CompletedAt > killedAt).Min(o => o.Info.CompletedAt!.Value) - killedAt;
        var retriedDone = handedOff.Max(id => byId[id].Info.CompletedAt!.Value) - killedAt;
        var report = $"kill -9 of {victim.Name}: declared dead after {declaredDead.TotalSeconds:0.0} s; first job completed on a survivor "
            + $"{firstOnSurvivor.TotalSeconds:0.0} s after the kill; the {handedOff.Count} job(s) running on its workers completed elsewhere "
            + $"within {retriedDone.TotalSeconds:0.0} s; {onVictim.Count} of its job grains, {reactivated} seen reactivated on survivors; "
            + $"{outcomes.Count} jobs accepted ({outcomes.Count - acceptedBeforeKill} after the kill), all completed exactly once, "
            + $"{load.RetriedCalls} submit calls retried; median run {runTimes[runTimes.Count / 2]:0} ms; audit done {recovered.TotalSeconds:0.0} s after the kill";
        output.WriteLine(report);
        Console.WriteLine("[cluster] " + report);
    }

    /// <summary>Waits until recently accepted jobs are running on <paramref name="silo"/>'s workers and returns them.</summary>
    internal static async Task<List<string>> RunningOnAsync(JobLoad load, HttpMarketplaceClient reader, SiloProcess silo, TimeSpan bound)
    {
        var running = new List<string>();
        var seen = "";
        await Eventually.Until(async () =>
        {
            load.ThrowIfAbandoned();
            var recent = await Task.WhenAll(load.Accepted.OrderByDescending(j => j.AcceptedAt).Take(12).Select(j => reader.GetJobAsync(j.JobId)));
            running = recent.Where(i => i.Status == JobStatus.Running && i.WorkerId?.StartsWith(silo.WorkerPrefix, StringComparison.Ordinal) == true)
                .Select(i => i.JobId).ToList();
            seen = string.Join(", ", recent.Select(i => $"{i.Status}@{i.WorkerId}{(i.CompletedAt - i.StartedAt is { } took ? $" {took.TotalMilliseconds:0} ms" : "")}"));
            return running.Count > 0;
        }, bound, () => $"a job running on a worker of {silo.Name} ({silo.WorkerPrefix}*); recent jobs: {seen}");
        return running;
    }

    /// <summary>The assignment lines of the first jobs' logs: the worker, its price and score, and how many bids and
    /// declines the round had heard when it closed.</summary>
    private static async Task<string> MatchingOfAsync(HttpMarketplaceClient reader, IReadOnlyList<string> jobs)
    {
        var lines = new List<string>();
        foreach (var id in jobs.Take(4))
        {
            var logs = await reader.GetJobLogsAsync(id);
            lines.AddRange(logs.Items.Where(e => e.Message.Contains(" assigned to worker ", StringComparison.Ordinal)).Select(e => $"{id}: {e.Message}"));
        }

        return string.Join("; ", lines);
    }

    private static HashSet<string> JobGrainsOn(DetailedGrainStatistic[] statistics, int siloPort) =>
        statistics.Where(s => s.SiloAddress.Endpoint.Port == siloPort && JobIds.IsValid(s.GrainId.Key.ToString()))
            .Select(s => s.GrainId.Key.ToString()!).ToHashSet(StringComparer.Ordinal);
}
