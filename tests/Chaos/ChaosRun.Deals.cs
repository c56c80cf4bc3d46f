using System.Diagnostics;
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Chaos;

/// <summary>A silo that hosts storage providers killed (<c>docker kill</c>) with deals stored on it, and its providers'
/// disk lost.</summary>
internal sealed partial class ChaosRun
{
    private const int DealBytes = 3 << 20;
    private const int Deals = 3;

    /// <summary>
    /// Three deals of 3 MiB stored through silo1 (the default 4+2: two fragments on each silo's providers), then silo3
    /// killed. While it is dead, every deal must read back byte-exact through silo1 and silo2 (from the four fragments
    /// left) within a bound; after it is started again, every deal must read back whole once more and an audit must
    /// find it readable.
    /// </summary>
    private async Task CheckDealsAcrossAKillAsync()
    {
        const int Seed = 20261126;
        var silo1 = _silos.Single(s => s.Service == "silo1").Client;
        var silo2 = _silos.Single(s => s.Service == "silo2").Client;
        var stored = await StoreDealsAsync(silo1, Seed, $"chaos-{settings.RunId}-");

        var killed = Stopwatch.StartNew();
        await cluster.RunAsync("kill silo3", TimeSpan.FromMinutes(1));
        var whileDead = await ReadDealsAsync(stored, [silo1, silo2], killed);
        await cluster.RunAsync("start silo3", TimeSpan.FromMinutes(2));
        var ready = await cluster.WaitReadyAsync("silo3", TimeSpan.FromMinutes(5));
        var afterwards = await ReadDealsAsync(stored, [silo2, silo1], killed);
        var audits = await AuditDealsAsync(silo1, stored);

        var placed = stored.All(d => d.OnSilo3 > 0);
        Check("deals read back byte-exact while a silo that holds their fragments is dead, and after it returns",
            whileDead.All(r => r.Whole) && afterwards.All(r => r.Whole) && audits.All(a => a is "active" or "degraded" or "repairing"),
            $"{Deals} deals of {DealBytes >> 20} MiB ({string.Join(", ", stored.Select(d => $"{d.OnSilo3} fragments on silo3"))}{(placed ? "" : "; SOME DEAL HAD NO FRAGMENT ON silo3")}); "
            + $"silo3 dead: {string.Join(", ", whileDead.Select(r => r.Detail))}; silo3 ready again {ready.TotalSeconds:0.0} s after its start; "
            + $"then: {string.Join(", ", afterwards.Select(r => r.Detail))}; audits: {string.Join(", ", audits)} (content seed {Seed})");
    }

    /// <summary>Stores <see cref="Deals"/> deals of <see cref="DealBytes"/> seeded bytes through <paramref name="silo"/>,
    /// with ids <paramref name="idPrefix"/> and their number; answers each deal's id, content hash and how many of its
    /// fragments silo3's providers hold.</summary>
    private static async Task<List<(string DealId, string Sha256, int OnSilo3)>> StoreDealsAsync(HttpMarketplaceClient silo, int seed, string idPrefix)
    {
        var stored = new List<(string DealId, string Sha256, int OnSilo3)>();
        for (var i = 0; i < Deals; i++)
        {
            var content = new byte[DealBytes];
            new Random(seed + i).NextBytes(content);
            var deal = await silo.StoreAsync(content, dealId: idPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            stored.Add((deal.DealId, Convert.ToHexStringLower(SHA256.HashData(content)), deal.Fragments.Count(f => f.ProviderId.StartsWith("silo3-", StringComparison.Ordinal))));
        }

        return stored;
    }

    /// <summary>
    /// silo3's providers lose every fragment of the deals, as a host whose disk was replaced (the silo keeps running):
    /// an audit must find them missing and repair each onto its own provider (every provider of the cluster already
    /// holds one fragment of each deal, so there is no other), and the deals must then read back byte-exact with all
    /// six fragments healthy.
    /// </summary>
    private async Task CheckDealsRepairedAfterADiskLossAsync()
    {
        const int Seed = 20261127;
        var silo1 = _silos.Single(s => s.Service == "silo1").Client;
        var stored = await StoreDealsAsync(silo1, Seed, $"chaos-{settings.RunId}-disk-");

        var folders = string.Join(" ", stored.Select(d => $"/var/lib/marketplace/providers/*/{d.DealId}"));
        await cluster.RunAsync($"exec -T silo3 sh -c \"rm -rf {folders}\"", TimeSpan.FromMinutes(1));
        var watch = Stopwatch.StartNew();
        var audits = await AuditDealsAsync(silo1, stored);
        var repaired = new List<string>();
        var allHealthy = true;
        foreach (var (dealId, _, _) in stored)
        {
            var status = await silo1.GetDealAsync(dealId);
            var takenBack = status.Fragments.Count(f => f.ProviderId.StartsWith("silo3-", StringComparison.Ordinal) && f.AuditsFailed > 0 && f.Health == FragmentHealth.Healthy);
            var healthy = status.State == DealState.Active && status.HealthyFragments == status.Fragments.Count
                && status.History.Any(h => h.State == DealState.Repairing);
            allHealthy &= healthy;
            repaired.Add($"{status.HealthyFragments}/{status.Fragments.Count} healthy, {takenBack} rebuilt on silo3");
        }

        var reads = await ReadDealsAsync(stored, [_silos.Single(s => s.Service == "silo2").Client, silo1], watch);
        Check("a provider that lost its disk gets its fragments back by repair, and the deals read back byte-exact",
            allHealthy && reads.All(r => r.Whole) && stored.All(d => d.OnSilo3 > 0),
            $"{Deals} deals of {DealBytes >> 20} MiB ({string.Join(", ", stored.Select(d => $"{d.OnSilo3} fragments on silo3"))}); after the loss: audits {string.Join(", ", audits)}; "
            + $"{string.Join("; ", repaired)}; reads: {string.Join(", ", reads.Select(r => r.Detail))} (content seed {Seed})");
    }

    private static async Task<List<string>> AuditDealsAsync(HttpMarketplaceClient client, List<(string DealId, string Sha256, int OnSilo3)> deals)
    {
        var audits = new List<string>();
        foreach (var (dealId, _, _) in deals)
        {
            try
            {
                var audited = await client.AuditDealAsync(dealId);
                audits.Add(audited.State.ToString().ToLowerInvariant());
            }
            catch (Exception e) when (e is MarketplaceException or HttpRequestException or OperationCanceledException)
            {
                audits.Add($"audit failed ({e.GetType().Name}: {e.Message})");
            }
        }

        return audits;
    }

    /// <summary>Reads every deal through the first client that answers in time, trying each of
    /// <paramref name="clients"/> in turn until two minutes have passed since <paramref name="since"/> started.</summary>
    private static async Task<List<(bool Whole, string Detail)>> ReadDealsAsync(
        List<(string DealId, string Sha256, int OnSilo3)> deals, HttpMarketplaceClient[] clients, Stopwatch since)
    {
        var results = new List<(bool, string)>();
        foreach (var (dealId, sha256, _) in deals)
        {
            var started = since.Elapsed;
            string? last = null;
            var whole = false;
            for (var attempt = 0; !whole && since.Elapsed < started + TimeSpan.FromMinutes(2); attempt++)
            {
                try
                {
                    using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    var bytes = await clients[attempt % clients.Length].RetrieveAsync(dealId, cancellationToken: bound.Token);
                    whole = bytes.Length == DealBytes && Convert.ToHexStringLower(SHA256.HashData(bytes)) == sha256;
                    last = whole ? null : $"{bytes.Length} bytes, NOT THE STORED CONTENT";
                    if (!whole)
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is MarketplaceException or HttpRequestException or OperationCanceledException)
                {
                    last = $"{e.GetType().Name}: {e.Message}";
                    await Task.Delay(TimeSpan.FromMilliseconds(500));
                }
            }

            results.Add((whole, whole
                ? $"whole at {since.Elapsed.TotalSeconds:0.0} s"
                : $"NOT READ ({last})"));
        }

        return results;
    }
}
