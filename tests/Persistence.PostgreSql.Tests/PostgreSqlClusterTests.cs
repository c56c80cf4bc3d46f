using Marketplace.Persistence.PostgreSql.Tests.Grains;
using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.GrainDirectory;
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
    public async Task AStatelessWorkerRunsOnEachCallingSiloWithoutADirectoryRowOrLookup()
    {
        var statelessType = Factory(0).GetGrain<IStatelessProbeGrain>("type").GetGrainId().Type;
        var probeType = Factory(0).GetGrain<IProbeGrain>("type").GetGrainId().Type;
        for (var i = 0; i < fixture.Silos.Count; i++)
        {
            Assert.Equal(fixture.SiloPorts[i], await Factory(i).GetGrain<IStatelessProbeGrain>("stateless-" + i).GetSiloPortAsync());
            Assert.Equal(fixture.SiloPorts[i], await Factory(i).GetGrain<IStatelessProbeGrain>("stateless-shared").GetSiloPortAsync());

            // The silo's own directory knows the type from the silo's grain properties, and answers its lookups
            // without a query; a grain placed once per cluster is still looked up.
            var directory = Assert.IsType<PostgreSqlGrainDirectory>(
                fixture.Silos[i].Services.GetRequiredKeyedService<IGrainDirectory>(GrainDirectoryAttribute.DEFAULT_GRAIN_DIRECTORY));
            Assert.True(directory.IsNeverRegistered(statelessType));
            Assert.False(directory.IsNeverRegistered(probeType));
        }

        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM OrleansGrainDirectory WHERE ClusterId = '{fixture.Cluster.ClusterId}' AND GrainId LIKE 'stateless-probe/%'"));
    }

    [PostgresFact]
    public async Task GrainStateIsReadBackAfterTheGrainReactivatesOnAnotherSilo()
    {
        // A third silo joins, a prefer-local grain is written through it, and the silo leaves gracefully: its
        // activations and directory entries go with it, so the next call from silo B can only activate the grain on
        // A or B, which must load what the third silo wrote. No call can reach a stale activation.
        var (host, port) = TestSilo.Build(fixture.Cluster);
        await host.StartAsync();
        try
        {
            var writer = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ILocalProbeGrain>("reactivates");
            for (var i = 0; i < 3; i++)
            {
                await writer.IncrementAsync();
            }

            Assert.Equal(port, await writer.GetSiloPortAsync());
        }
        finally
        {
            using var bound = new CancellationTokenSource(Bound);
            await host.StopAsync(bound.Token);
            host.Dispose();
        }

        var management = Factory(1).GetGrain<IManagementGrain>(0);
        await Eventually.HoldsAsync("the third silo has left silo B's view", Bound, async () =>
            (await management.GetHosts(onlyActive: true)).Keys.All(silo => silo.Endpoint.Port != port));

        var reactivated = Factory(1).GetGrain<ILocalProbeGrain>("reactivates");
        Assert.Contains(await reactivated.GetSiloPortAsync(), fixture.SiloPorts);
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
