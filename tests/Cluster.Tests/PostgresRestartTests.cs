// PostgreSQL restarted under a running cluster. The restart uses a server of the test's own (PrivatePostgres), never
// the shared one other test assemblies use at the same time.
using System.Diagnostics;
using Marketplace.Cluster.Tests.Support;
using Marketplace.GrainInterfaces;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests;

/// <summary>A private PostgreSQL server and a cluster on it, for <see cref="PostgresRestartTests"/>.</summary>
public sealed class PostgresRestartFixture() : ClusterFixture("pgrestart")
{
    private PrivatePostgres? _server;

    /// <summary>The private server (started on first use).</summary>
    public async Task<(PrivatePostgres Server, SiloCluster Cluster)> StartAsync()
    {
        _server ??= await PrivatePostgres.StartAsync();
        return (_server, await ClusterAsync(_server.ConnectionString));
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>PostgreSQL restarted while jobs flow through a three-silo cluster.</summary>
public sealed class PostgresRestartTests(PostgresRestartFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresRestartFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [PostgresFact]
    public async Task Cluster_recovers_from_a_database_restart_without_losing_jobs()
    {
        var (server, cluster) = await fixture.StartAsync();
        var silos = cluster.Silos;
        await using var load = JobLoad.Start(() => silos, fixture.Program, SamplePrograms.HashInput(50_000, new string('x', 64)), TimeSpan.FromMilliseconds(300));
        await load.WaitAcceptedAsync(8, Bound);

        var restartedAt = DateTimeOffset.UtcNow;
        var restart = Stopwatch.StartNew();
        await server.RestartAsync();
        var restartTook = restart.Elapsed;
        var acceptedAtRestart = load.Accepted.Count;
        await load.WaitAcceptedAsync(acceptedAtRestart + 15, Bound);
        var firstAcceptedAfter = load.Accepted.Where(j => j.AcceptedAt > restartedAt).Min(j => j.AcceptedAt) - restartedAt;
        await load.StopAsync();

        var outcomes = await JobLoad.AuditAsync(load.Accepted, () => cluster.Running, Bound);
        Assert.Equal(load.Accepted.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Info.Status == JobStatus.Completed,
            $"{o.Info.JobId} ended {o.Info.Status} ({o.Info.FailureReason}: {o.Info.ErrorMessage})"));
        Assert.All(outcomes, o => Assert.True(o.Completions == 1, $"{o.Info.JobId} records {o.Completions} completions"));
        Assert.All(silos, s => Assert.False(s.HasExited, $"{s.Name} exited during the database restart:\n{s.Tail()}"));
        foreach (var silo in silos)
        {
            Assert.Equal(ClusterDatabase.ActiveStatus, await cluster.Database.MembershipStatusAsync(cluster.ClusterId, silo.SiloPort));
        }

        var firstCompletedAfter = outcomes.Where(o => o.Info.CompletedAt > restartedAt).Min(o => o.Info.CompletedAt!.Value) - restartedAt;
        var report = $"PostgreSQL restart (pg_ctl restart -m fast, {restartTook.TotalSeconds:0.0} s): first job accepted {firstAcceptedAfter.TotalSeconds:0.0} s "
            + $"and first completed {firstCompletedAfter.TotalSeconds:0.0} s after the restart began; all {silos.Count} silos stayed Active; "
            + $"{outcomes.Count} jobs accepted ({outcomes.Count - acceptedAtRestart} after the restart), all completed exactly once, {load.RetriedCalls} submit calls retried";
        output.WriteLine(report);
        Console.WriteLine("[cluster] " + report);
    }
}
