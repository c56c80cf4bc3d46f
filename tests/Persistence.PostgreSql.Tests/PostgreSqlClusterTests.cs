using Marketplace.Persistence.PostgreSql.Tests.Grains;
using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>A cluster of real silos on PostgreSQL: membership, gateways, grain state with ETags, reminders.</summary>
public sealed partial class PostgreSqlClusterTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private IGrainFactory Factory(int silo) => fixture.Silos[silo].Services.GetRequiredService<IGrainFactory>();

    [PostgresFact]
    public async Task SilosSeeEachOtherActiveAndClientCallsThroughAGateway()
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);

        await Eventually.HoldsAsync("both silos Active in the client's gateway silo's view", Bound, async () =>
        {
            var hosts = await management.GetHosts(onlyActive: true);
            return hosts.Keys.Select(silo => silo.Endpoint.Port).Order().SequenceEqual(fixture.SiloPorts.Order());
        });
        foreach (var silo in fixture.Silos)
        {
            var local = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            await Eventually.HoldsAsync("each silo sees the other Active", Bound, async () =>
                (await local.GetHosts(onlyActive: true)).Count == 2);
        }

        var port = await fixture.Client.GetGrain<IProbeGrain>("gateway-call").GetSiloPortAsync();

        Assert.Contains(port, fixture.SiloPorts);
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{fixture.Cluster.ClusterId}' AND Status = 3 AND ProxyPort > 0"));
    }

    [PostgresFact]
    public async Task GrainStateIsReadBackAfterTheGrainReactivatesOnAnotherSilo()
    {
        // Prefer-local placement: written through silo A, the grain lives on A. Once that activation is gone from
        // the cluster, the first call made on silo B (which never cached its address) activates it on B, which must
        // load what A wrote. A call that races the directory still reaches A and recreates it there; then the next
        // key is tried, since B has cached A's address for this one.
        var (factoryA, factoryB) = (Factory(0), Factory(1));
        var management = factoryA.GetGrain<IManagementGrain>(0);
        var attempt = 0;
        ILocalProbeGrain? onB = null;
        await Eventually.HoldsAsync("a grain written on silo A reactivates on silo B", Bound, async () =>
        {
            var key = $"reactivates-{attempt++}";
            var onA = factoryA.GetGrain<ILocalProbeGrain>(key);
            for (var i = 0; i < 3; i++)
            {
                await onA.IncrementAsync();
            }

            Assert.Equal(fixture.SiloPorts[0], await onA.GetSiloPortAsync());
            await onA.DeactivateAsync();
            // Asks every silo's catalog (GetActivationAddress would answer from a directory cache).
            await Eventually.HoldsAsync("the activation on silo A is gone", Bound, async () =>
                !(await management.GetActiveGrains(GrainType.Create("local-probe"))).Contains(onA.GetGrainId()));

            var candidate = factoryB.GetGrain<ILocalProbeGrain>(key);
            if (await candidate.GetSiloPortAsync() != fixture.SiloPorts[1])
            {
                return false;
            }

            onB = candidate;
            return true;
        });

        var reactivated = onB ?? throw new InvalidOperationException("no grain reactivated on silo B");
        Assert.Equal(3, await reactivated.GetCountAsync());
        Assert.Equal(4, await reactivated.IncrementAsync());
    }

    [PostgresFact]
    public async Task StaleEtagWriteIsRejected()
    {
        var storage = fixture.Silos[0].Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var grainId = GrainId.Create("probe", "stale-etag");
        var current = new GrainState<ProbeState>(new ProbeState { Count = 1 });
        await storage.WriteStateAsync("probe", grainId, current);
        var staleEtag = current.ETag;
        current.State = new ProbeState { Count = 2 };
        await storage.WriteStateAsync("probe", grainId, current);

        var stale = new GrainState<ProbeState>(new ProbeState { Count = 99 }) { ETag = staleEtag, RecordExists = true };
        var neverRead = new GrainState<ProbeState>(new ProbeState { Count = 98 });

        Assert.NotEqual(staleEtag, current.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grainId, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grainId, neverRead));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("probe", grainId, stale));
        var read = new GrainState<ProbeState>();
        await storage.ReadStateAsync("probe", grainId, read);
        Assert.Equal(2, Assert.IsType<ProbeState>(read.State).Count);
        Assert.Equal(current.ETag, read.ETag);
    }

    [PostgresFact]
    public async Task ReminderRegisteredByAGrainFires()
    {
        const string Key = "reminded";
        const string Name = "tick";
        var fired = ReminderSignals.WhenFired(Key, Name);
        var grain = fixture.Client.GetGrain<IProbeGrain>(Key);

        await grain.RegisterReminderAsync(Name, TimeSpan.FromSeconds(1));
        try
        {
            Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = '{fixture.Cluster.ServiceId}' AND ReminderName = '{Name}'"));
            await fired.WaitAsync(Bound);
        }
        finally
        {
            await grain.UnregisterReminderAsync(Name);
        }

        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = '{fixture.Cluster.ServiceId}' AND ReminderName = '{Name}'"));
    }

    [PostgresFact]
    public async Task GrainStateSurvivesAClusterRestart()
    {
        // A cluster of its own (same database, new ids), stopped completely and started again on new ports.
        var cluster = ClusterIdentity.New(fixture.Database);
        var (first, _) = TestSilo.Build(cluster);
        await first.StartAsync();
        var grain = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IProbeGrain>("restarts");
        await grain.IncrementAsync();
        await grain.IncrementAsync();
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await first.StopAsync(bound.Token);
        }

        first.Dispose();

        var (second, _) = TestSilo.Build(cluster);
        await second.StartAsync();
        try
        {
            var again = second.Services.GetRequiredService<IGrainFactory>().GetGrain<IProbeGrain>("restarts");
            Assert.Equal(2, await again.GetCountAsync());
        }
        finally
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await second.StopAsync(bound.Token);
            second.Dispose();
        }
    }
}
