using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>A storage deal across three silos, three providers each, when one silo dies.</summary>
public sealed class StorageSiloLossTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Placement gives each silo at most one fragment per round, so a 4+2 deal over three silos puts two fragments on
    /// each and keeps one spare provider per silo. Killing silo B (no goodbye) takes two fragments with it: the blob
    /// still reads back exactly through silo A, an audit finds B's fragments unreachable (reputation: unavailable; no
    /// stake is taken for a timeout) and repairs them onto the spares of A and C.
    /// </summary>
    [Fact]
    public async Task A_deal_survives_a_killed_silo_reads_back_exactly_and_is_repaired_onto_the_remaining_silos()
    {
        await using var cluster = await MarketplaceTestCluster.StartAsync(
            [Silo("a"), Silo("b"), Silo("c")],
            workers: 0,
            // Grains without a placement of their own (the deal, the ledger, the directory) go where they are first
            // called from: silo A, which stays.
            silo => silo.Services.AddSingleton<PlacementStrategy, PreferLocalPlacement>());
        var a = cluster[0];
        var directory = a.Grains.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey);
        await MarketplaceTestCluster.WaitAsync(async () => (await directory.ListAsync()).Count == 9, () => "the directory does not list nine providers", Bound);

        var ledger = a.Grains.GetGrain<ISettlement>(ISettlement.DefaultKey);
        await ledger.DepositAsync("alice", 1_000_000_000_000u, "bank-1");
        foreach (var id in (await directory.ListAsync()).Order(StringComparer.Ordinal))
        {
            await ledger.StakeAsync(id, 5_000u, "stake-" + id);
        }

        var seed = Random.Shared.Next();
        output.WriteLine($"content seed {seed}");
        var content = new byte[700_001];
        new Random(seed).NextBytes(content);
        var deal = a.Grains.GetGrain<IStorageDealGrain>("deal-kill");
        var created = await deal.CreateAsync("alice", DurabilityPolicy.Dev, long.MaxValue, StorageDeals.DefaultDuration, content);
        Assert.Equal(DealState.Active, created.State);
        Assert.Equal(6, created.Fragments.Select(f => f.ProviderId).Distinct().Count());
        Assert.All(new[] { "a", "b", "c" }, silo => Assert.Equal(2, created.Fragments.Count(f => f.ProviderId.StartsWith(silo, StringComparison.Ordinal))));
        var lost = created.Fragments.Where(f => f.ProviderId.StartsWith('b')).ToList();

        await cluster.KillSiloAsync(1);

        // Read through silo A: four fragments of A and C decode the blob.
        byte[]? read = null;
        await MarketplaceTestCluster.WaitAsync(
            async () =>
            {
                try
                {
                    read = await deal.ReadAsync("alice", 0, -1);
                    return true;
                }
                catch (Exception e) when (e is OrleansException or StorageUnavailableException or TimeoutException)
                {
                    output.WriteLine($"read after the kill: {e.Message}");
                    return false;
                }
            },
            () => "the deal could not be read after silo B was killed",
            Bound);
        Assert.Equal(content, read);

        // Audit until the deal is whole again on the providers of A and C.
        DealStatus? status = null;
        await MarketplaceTestCluster.WaitAsync(
            async () =>
            {
                try
                {
                    status = await deal.AuditAsync();
                }
                catch (Exception e) when (e is OrleansException or StorageUnavailableException or TimeoutException)
                {
                    output.WriteLine($"audit after the kill: {e.Message}");
                    return false;
                }

                return status.State == DealState.Active && status.HealthyFragments == 6 && !status.Fragments.Any(f => f.ProviderId.StartsWith('b'));
            },
            () => $"the deal is not repaired: {Describe(status)}",
            Bound);
        output.WriteLine(Describe(status));
        Assert.Contains(status!.History, h => h.State == DealState.Degraded && h.Reason.Contains("4 of 6", StringComparison.Ordinal));
        Assert.Contains(status.History, h => h.State == DealState.Repairing);
        Assert.Equal(6, status.Fragments.Select(f => f.ProviderId).Distinct().Count());
        Assert.All(status.Fragments, f => Assert.NotNull(f.Commitment));
        foreach (var fragment in lost)
        {
            Assert.True(status.Fragments[fragment.Index].AuditsFailed >= 1);
            Assert.Contains(status.WhyNotPlaced, r => r.ProviderId == fragment.ProviderId && r.Reason is "offline" or "holds_a_fragment");

            // Unreachable: reputation, never stake.
            var events = (await a.Grains.GetGrain<IReputationGrain>(fragment.ProviderId).GetEventsAsync(null, 100)).Events;
            Assert.Contains(events, e => e.Kind == ReputationEventKind.Unavailable && e.EventId == $"storage/deal-kill/{fragment.Index}/1");
            Assert.DoesNotContain(events, e => e.Kind is ReputationEventKind.WrongResult or ReputationEventKind.Failure);
            Assert.Equal((UInt128)5_000, (await ledger.GetStakeAsync(fragment.ProviderId)).Bonded);
        }

        Assert.Equal(content, await deal.ReadAsync("alice", 0, -1));
        var again = await deal.AuditAsync();
        Assert.Equal(DealState.Active, again.State);
        Assert.All(again.Fragments, f => Assert.Equal(FragmentHealth.Healthy, f.Health));
    }

    /// <summary>Silo settings: no workers, the ledger on, three providers named after the silo.</summary>
    private static Dictionary<string, string?> Silo(string name)
    {
        var settings = ClusterKit.NoWorkers()
            .Set("Marketplace:Ledger:Enabled", "true")
            .Set("Marketplace:Storage:AuditInterval", "01:00:00")
            .Values;
        for (var i = 0; i < 3; i++)
        {
            settings[$"Marketplace:Storage:Providers:{i}:Id"] = $"{name}{i + 1}";
            settings[$"Marketplace:Storage:Providers:{i}:CapacityBytes"] = "100000000";
        }

        return settings;
    }

    private static string Describe(DealStatus? status) => status is null ? "no status" :
        $"{status.State}; fragments " + string.Join(", ", status.Fragments.Select(f => $"{f.Index}@{f.ProviderId}:{f.Health}"))
        + "; history " + string.Join(" → ", status.History.Select(h => $"{h.State} ({h.Reason})"))
        + "; why not placed " + string.Join(", ", status.WhyNotPlaced.Select(r => $"{r.ProviderId}: {r.Reason}"));
}
