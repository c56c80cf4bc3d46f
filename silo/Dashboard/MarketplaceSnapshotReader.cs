// Design: the marketplace page reads only what the grains already answer; no grain keeps anything for it. Jobs,
// deals and balances belong to clients, and no grain lists every client, so the page reads the clients the silo has
// API keys for (ApiKeyRegistry): the clients of the HTTP API. Every read is bounded by MarketplaceDashboardOptions
// (clients, workers, providers, deals; a client's job list answers at most 1,000), so one refresh costs a bounded
// number of grain calls. A read is shared: callers within half a refresh interval get the same snapshot, so many open
// pages cost one read per interval. Each section is read on its own; a section whose grains fail (a timeout, an
// unreachable silo, a chain that does not answer) answers a fixed phrase in its `problem` and the others still show.
using Marketplace.GrainInterfaces;
using Marketplace.Silo.Api;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Dashboard;

/// <summary>Reads <see cref="MarketplaceSnapshot"/>s from the grains, sharing a read between callers.</summary>
internal sealed partial class MarketplaceSnapshotReader
{
    /// <summary>Service key of the clock the page's windows are measured with (tests may register their own).</summary>
    public const string ClockKey = "marketplace-dashboard-clock";

    private readonly IGrainFactory _grains;
    private readonly ApiKeyRegistry _keys;
    private readonly MarketplaceDashboardOptions _options;
    private readonly bool _chainSettlement;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private SharedRead? _last;

    public MarketplaceSnapshotReader(
        IGrainFactory grains,
        ApiKeyRegistry keys,
        IOptions<MarketplaceDashboardOptions> options,
        IConfiguration configuration,
        [FromKeyedServices(ClockKey)] TimeProvider clock,
        ILogger<MarketplaceSnapshotReader> logger)
    {
        _grains = grains;
        _keys = keys;
        _options = options.Value;
        _chainSettlement = configuration.GetValue("Marketplace:Settlement:Chain:Enabled", defaultValue: false);
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The marketplace now, with the <paramref name="recentJobs"/> newest jobs in detail; a snapshot read
    /// less than half a refresh interval ago for the same count is answered again.</summary>
    public Task<MarketplaceSnapshot> GetAsync(int recentJobs)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (_last is { } last && last.RecentJobs == recentJobs && now - last.StartedAt < _options.RefreshInterval / 2
                && !last.Read.IsFaulted && !last.Read.IsCanceled)
            {
                return last.Read;
            }

            var read = ReadAsync(recentJobs, now);
            _last = new SharedRead(recentJobs, now, read);
            return read;
        }
    }

    private async Task<MarketplaceSnapshot> ReadAsync(int recentJobs, DateTimeOffset now)
    {
        var clients = _keys.KnownClients.Take(_options.MaxClients).ToArray();
        var clientsTruncated = _keys.KnownClients.Count > clients.Length;
        var settlement = _grains.GetGrain<ISettlement>(ISettlement.DefaultKey);

        // The terms decide whether escrows and stakes are read at all.
        var terms = await SectionAsync<SettlementTerms?>("settlement", () => settlement.GetTermsAsync()!, _ => null);

        var jobs = ReadJobsAsync(clients, clientsTruncated, recentJobs, terms?.Enabled == true, now);
        var workers = ReadWorkersAsync(terms?.Enabled == true);
        var storage = ReadStorageAsync(clients);
        var balances = ReadBalancesAsync(clients, terms);
        await Task.WhenAll(jobs, workers, storage, balances);

        var jobsRead = await jobs;
        return new MarketplaceSnapshot(
            now,
            (long)_options.RefreshInterval.TotalMilliseconds,
            jobsRead.Jobs,
            jobsRead.Throughput,
            jobsRead.Verification,
            await workers,
            await storage,
            SettlementWith(await balances, jobsRead.Jobs.Recent));
    }

    /// <summary>Runs one section's reads; a failure Orleans or the marketplace reports becomes the section's problem
    /// (logged with its cause), anything else propagates.</summary>
    private async Task<T> SectionAsync<T>(string section, Func<Task<T>> read, Func<string, T> failed)
    {
        try
        {
            return await read();
        }
        catch (Exception exception) when (ProblemOf(exception) is { } problem)
        {
            DashboardLog.SectionFailed(_logger, exception, section, problem);
            return failed(problem);
        }
    }

    private static string? ProblemOf(Exception exception) => exception switch
    {
        TimeoutException => "a grain call timed out",
        ChainSettlementUnavailableException => "the chain did not answer",
        MarketplaceException marketplace => marketplace.Code,
        OrleansException => "a grain could not be reached",
        _ => null,
    };

    /// <summary>The value at rank ⌈p·n⌉ of the <paramref name="sorted"/> values (nearest rank), or null when empty.</summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    private sealed record SharedRead(int RecentJobs, DateTimeOffset StartedAt, Task<MarketplaceSnapshot> Read);
}
