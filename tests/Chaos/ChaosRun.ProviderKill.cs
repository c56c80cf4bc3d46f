using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Chaos;

/// <summary>A silo that hosts storage providers killed (<c>docker kill</c>) while clients upload and read blobs and
/// deals through the other two.</summary>
internal sealed partial class ChaosRun
{
    private const int KilledUploadBlobBytes = 256 << 10;
    private const int KilledUploadDealBytes = 768 << 10;

    /// <summary>
    /// Two clients (through silo1 and silo2) upload seeded blobs and store seeded deals one after another, and read back
    /// what was acknowledged, while silo3, which hosts two of the six providers every default deal uses, is killed for
    /// ten seconds and started again. Every blob and deal that was acknowledged must read back byte-exact afterwards
    /// (and no read ever returns other bytes); every refusal must be a typed error, never a 5xx other than 503; an audit
    /// of each acknowledged deal then finds it active with its six fragments.
    /// </summary>
    private async Task CheckUploadsAcrossAProviderKillAsync()
    {
        const int Seed = 20261128;
        var acknowledged = new ConcurrentQueue<(bool Deal, string Id, string Sha256, int Length)>();
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var wrong = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var clients = new[] { _silos.Single(s => s.Service == "silo1").Client, _silos.Single(s => s.Service == "silo2").Client };
        var load = clients.Select((client, c) => Task.Run(() => UploadAndReadAsync(client, c, Seed, settings.RunId, acknowledged, counts, wrong, stop.Token))).ToArray();

        var watch = Stopwatch.StartNew();
        while (acknowledged.Count(a => a.Deal) < 2 && watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(200);
        }

        var beforeKill = acknowledged.Count;
        await cluster.RunAsync("kill silo3", TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(10));
        await cluster.RunAsync("start silo3", TimeSpan.FromMinutes(2));
        var ready = await cluster.WaitReadyAsync("silo3", TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        // Everything acknowledged, read back through silo2 and silo1 in turn (a try that meets a silo still settling
        // is asked again, within two minutes each).
        var notWhole = new List<string>();
        var deals = new List<(string DealId, string Sha256, int OnSilo3)>();
        foreach (var (deal, id, sha256, length) in acknowledged)
        {
            if (!await ReadsBackWholeAsync(clients, deal, id, sha256, length))
            {
                notWhole.Add(id);
            }

            if (deal)
            {
                deals.Add((id, sha256, 0));
            }
        }

        var audits = await AuditDealsAsync(clients[0], deals);
        var blobs = acknowledged.Count(a => !a.Deal);
        Check("blobs and deals acknowledged while a silo that hosts providers is killed all read back byte-exact",
            notWhole.Count == 0 && wrong.IsEmpty && audits.All(a => a == "active") && deals.Count >= 2 && !counts.ContainsKey("5xx"),
            $"{blobs} blobs of {KilledUploadBlobBytes >> 10} KiB and {deals.Count} deals of {KilledUploadDealBytes >> 10} KiB acknowledged ({beforeKill} before the kill); "
            + $"{string.Join(", ", counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}; "
            + $"silo3 ready again {ready.TotalSeconds:0.0} s after its start; not read back whole: {(notWhole.Count == 0 ? "none" : string.Join(", ", notWhole))}; "
            + $"wrong bytes: {(wrong.IsEmpty ? "none" : string.Join("; ", wrong))}; audits: {string.Join(", ", audits.GroupBy(a => a).Select(g => $"{g.Count()} {g.Key}"))} (content seed {Seed})");
    }

    /// <summary>One client's loop: a blob, a deal, then a read of something acknowledged, until <paramref name="stop"/>.</summary>
    private static async Task UploadAndReadAsync(HttpMarketplaceClient client, int index, int seed, string runId,
        ConcurrentQueue<(bool Deal, string Id, string Sha256, int Length)> acknowledged, ConcurrentDictionary<string, int> counts,
        ConcurrentQueue<string> wrong, CancellationToken stop)
    {
        var random = new Random(seed + index);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var blob = new byte[KilledUploadBlobBytes];
            random.NextBytes(blob);
            await CountAsync(counts, "blob", async () =>
            {
                var manifest = await client.UploadBlobAsync(new MemoryStream(blob), "application/octet-stream");
                acknowledged.Enqueue((false, manifest.Id, Convert.ToHexStringLower(SHA256.HashData(blob)), blob.Length));
            });

            var content = new byte[KilledUploadDealBytes];
            random.NextBytes(content);
            await CountAsync(counts, "deal", async () =>
            {
                var deal = await client.StoreAsync(content, dealId: $"chaos-{runId}-kill-{index}-{i}");
                acknowledged.Enqueue((true, deal.DealId, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length));
            });

            var known = acknowledged.ToArray();
            if (known.Length > 0)
            {
                var (deal, id, sha256, length) = known[random.Next(known.Length)];
                await CountAsync(counts, "read", async () =>
                {
                    var bytes = deal ? await client.RetrieveAsync(id) : await DownloadAsync(client, id);
                    if (bytes.Length != length || Convert.ToHexStringLower(SHA256.HashData(bytes)) != sha256)
                    {
                        wrong.Enqueue($"{id}: {bytes.Length} bytes, not the acknowledged content");
                    }
                });
            }
        }
    }

    /// <summary>Runs <paramref name="call"/>, counting it under <paramref name="what"/> as done or refused (with the
    /// refusal's code); a 5xx other than 503 is counted apart, as a failure of the check.</summary>
    private static async Task CountAsync(ConcurrentDictionary<string, int> counts, string what, Func<Task> call)
    {
        string outcome;
        try
        {
            await call();
            outcome = what + " done";
        }
        catch (HttpApiException e) when (e.Status >= 500 && e.Status != 503)
        {
            outcome = "5xx";
        }
        catch (MarketplaceException e)
        {
            outcome = $"{what} refused {e.Code}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            outcome = $"{what} cut ({e.GetType().Name})";
        }

        counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);
    }

    private static async Task<byte[]> DownloadAsync(HttpMarketplaceClient client, string blobId)
    {
        using var back = new MemoryStream();
        await client.DownloadBlobAsync(blobId, back);
        return back.ToArray();
    }

    private static async Task<bool> ReadsBackWholeAsync(HttpMarketplaceClient[] clients, bool deal, string id, string sha256, int length)
    {
        var watch = Stopwatch.StartNew();
        for (var attempt = 0; watch.Elapsed < TimeSpan.FromMinutes(2); attempt++)
        {
            try
            {
                var client = clients[(attempt + 1) % clients.Length];
                var bytes = deal ? await client.RetrieveAsync(id) : await DownloadAsync(client, id);
                return bytes.Length == length && Convert.ToHexStringLower(SHA256.HashData(bytes)) == sha256;
            }
            catch (Exception e) when (e is MarketplaceException or HttpRequestException or IOException or OperationCanceledException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }

        return false;
    }
}
