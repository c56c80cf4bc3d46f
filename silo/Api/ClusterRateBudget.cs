// Design: a client's rate is one budget for the whole cluster. Its tokens live in one grain per client
// (ClientRateBudgetGrain); each silo takes a slice of a tenth of a second's worth at a time (at least one request)
// and spends it locally, so the grain sees about ten calls a second per busy client and silo, not one per request.
// A slice not spent within a second is dropped, so tokens do not pile up on a silo the client stopped using: the
// cluster admits at most the bucket's burst plus its rate over time, however requests spread over silos. The budget
// must never stop the API: a slice call is bounded (1 s), and when the grain cannot be reached (its silo died and is
// not declared dead yet) the silo's own bucket decides for that client for the next 10 s, at the full rate.
using System.Collections.Concurrent;

namespace Marketplace.Silo.Api;

/// <summary>Takes a client's requests from its cluster-wide budget (PostgreSql cluster mode).</summary>
internal sealed class ClusterRateBudget(IGrainFactory grains, [FromKeyedServices(ClusterRateBudget.ClockKey)] TimeProvider? clock = null)
{
    /// <summary>Service key of the clock slices and the grain's buckets run on (tests inject their own).</summary>
    public const string ClockKey = "Marketplace:Api:RateBudgetClock";

    private static readonly TimeSpan SliceLife = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan UnreachablePause = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ClientSlice> _slices = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Takes one request of <paramref name="clientId"/> from its slice, fetching a new slice when it is spent.</summary>
    public async ValueTask<BudgetAnswer> TryTakeAsync(string clientId, ClientRateLimit limit)
    {
        var slice = _slices.GetOrAdd(clientId, static _ => new ClientSlice());
        var now = _clock.GetUtcNow();
        lock (slice)
        {
            if (slice.UnreachableUntil > now)
            {
                return BudgetAnswer.Unreachable;
            }

            if (slice.Tokens > 0 && slice.ExpiresAt > now)
            {
                slice.Tokens--;
                return BudgetAnswer.Admitted;
            }
        }

        var wanted = Math.Max(1, limit.RequestsPerSecond / 10);
        int granted;
        try
        {
            granted = await grains.GetGrain<IClientRateBudgetGrain>(clientId)
                .TakeAsync(wanted, limit.RequestsPerSecond, limit.Burst)
                .WaitAsync(CallBound, _clock);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            lock (slice)
            {
                slice.UnreachableUntil = _clock.GetUtcNow() + UnreachablePause;
            }

            return BudgetAnswer.Unreachable;
        }

        if (granted == 0)
        {
            return BudgetAnswer.Refused;
        }

        lock (slice)
        {
            var fetched = _clock.GetUtcNow();
            slice.Tokens = (slice.ExpiresAt > fetched ? slice.Tokens : 0) + granted - 1;
            slice.ExpiresAt = fetched + SliceLife;
        }

        return BudgetAnswer.Admitted;
    }

    private sealed class ClientSlice
    {
        public int Tokens;
        public DateTimeOffset ExpiresAt;
        public DateTimeOffset UnreachableUntil;
    }
}

/// <summary>What <see cref="ClusterRateBudget.TryTakeAsync"/> decided.</summary>
internal enum BudgetAnswer
{
    /// <summary>The request is within the client's cluster-wide rate.</summary>
    Admitted,

    /// <summary>The client spent its cluster-wide budget.</summary>
    Refused,

    /// <summary>The budget's grain did not answer in time; the silo's own bucket decides.</summary>
    Unreachable,
}
