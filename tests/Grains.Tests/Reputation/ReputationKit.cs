using Marketplace.GrainInterfaces;
using Marketplace.Grains.Reputation;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Tests.Reputation;

/// <summary>Silos whose reputation reads a clock the test moves, and helpers to record events.</summary>
internal static class ReputationKit
{
    /// <summary>Starts a silo with <paramref name="settings"/> whose reputation reads <paramref name="time"/>, with
    /// <paramref name="filter"/> (when given) on every incoming grain call.</summary>
    public static async Task<MarketplaceTestSilo> StartAsync(ManualClock time, JobsSettings settings, IIncomingGrainCallFilter? filter = null)
    {
        var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services =>
        {
            services.AddSingleton(new ReputationClock(time));
            if (filter is not null)
            {
                services.AddSingleton(filter);
            }
        });
        var expected = settings.Values.Keys.Count(k => k.StartsWith("Marketplace:Workers:", StringComparison.OrdinalIgnoreCase) && k.EndsWith(":Id", StringComparison.OrdinalIgnoreCase));
        if (expected > 0)
        {
            await WorkerTests.WaitForWorkersAsync(silo, expected);
        }

        return silo;
    }

    public static ReputationEvent Event(string workerId, ReputationEventKind kind, string? id = null, string jobId = "", string? hash = null, long latencyMs = 0, DateTimeOffset time = default) => new()
    {
        EventId = id ?? Guid.NewGuid().ToString("N"),
        WorkerId = workerId,
        Kind = kind,
        JobId = jobId,
        Hash = hash,
        LatencyMs = latencyMs,
        Time = time,
    };

    public static async Task RecordAsync(this IGrainFactory grains, string workerId, ReputationEventKind kind, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await grains.GetGrain<IReputationGrain>(workerId).RecordAsync(Event(workerId, kind));
        }
    }

    /// <summary>All kept events of a worker, through the API's pages.</summary>
    public static async Task<List<ReputationEvent>> EventsAsync(this IGrainFactory grains, string workerId, int limit = PageLimits.Max)
    {
        var all = new List<ReputationEvent>();
        string? cursor = null;
        do
        {
            var page = await Listings.ReputationEventsAsync(grains.GetGrain<IReputationGrain>(workerId), workerId, cursor, limit);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>Waits until the worker grain has heard a reputation that satisfies <paramref name="until"/>.</summary>
    public static async Task<WorkerInfo> WaitWorkerAsync(this IGrainFactory grains, string workerId, Func<WorkerInfo, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var info = await grains.GetGrain<IWorkerGrain>(workerId).GetAsync();
            if (until(info))
            {
                return info;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"worker {workerId} still has reputation {info.Reputation}");
            }

            await Task.Delay(20);
        }
    }
}
