// Design: a client's rate is one budget for the whole cluster. Its tokens live in one grain per client
// (ClientRateBudgetGrain); each silo takes a slice of a tenth of a second's worth at a time (at least one request)
// and spends it locally, so the grain sees about ten calls a second per busy client and silo, not one per request.
// One fetch per client and silo is in flight at a time: requests that find the slice spent wait for that fetch and
// then take from what it brought, so a burst of concurrent requests does not take one slice each and drop the rest
// (that drained a budget far larger than the rate actually used). A slice not spent within a second is dropped, so
// tokens do not pile up on a silo the client stopped using: the cluster admits at most the bucket's burst plus its
// rate over time, however requests spread over silos. The budget must never stop the API: a slice call is bounded
// (1 s), and when the grain cannot be reached (its silo died and is not declared dead yet) the silo's own bucket
// decides for that client for the next 10 s, at the full rate.
using System.Collections.Concurrent;

namespace Marketplace.Silo.Api;

/// <summary>Takes a client's requests from its cluster-wide budget (PostgreSql cluster mode).</summary>
internal sealed class ClusterRateBudget
{
    /// <summary>Service key of the clock slices and the grain's buckets run on (tests inject their own).</summary>
    public const string ClockKey = "Marketplace:Api:RateBudgetClock";

    private static readonly TimeSpan SliceLife = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan UnreachablePause = TimeSpan.FromSeconds(10);

    /// <summary>How many fetches one request waits through before it counts as refused: each fetch brings a slice
    /// (a tenth of the rate), so only a burst far beyond the rate meets this.</summary>
    private const int MaxFetchesWaited = 4;

    private readonly ConcurrentDictionary<string, ClientSlice> _slices = new(StringComparer.Ordinal);
    private readonly Func<string, int, int, int, Task<int>> _take;
    private readonly TimeProvider _clock;

    public ClusterRateBudget(IGrainFactory grains, [FromKeyedServices(ClockKey)] TimeProvider? clock = null)
        : this((clientId, wanted, rate, burst) => grains.GetGrain<IClientRateBudgetGrain>(clientId).TakeAsync(wanted, rate, burst), clock)
    {
    }

    /// <summary>A budget whose slices come from <paramref name="take"/> (client, wanted, rate, burst → granted).</summary>
    internal ClusterRateBudget(Func<string, int, int, int, Task<int>> take, TimeProvider? clock = null)
    {
        _take = take;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Takes one request of <paramref name="clientId"/> from its slice, fetching a new slice when it is spent.</summary>
    public async ValueTask<BudgetAnswer> TryTakeAsync(string clientId, ClientRateLimit limit)
    {
        var slice = _slices.GetOrAdd(clientId, static _ => new ClientSlice());
        for (var waited = 0; waited < MaxFetchesWaited; waited++)
        {
            TaskCompletionSource<BudgetAnswer>? mine = null;
            Task<BudgetAnswer> fetch;
            lock (slice)
            {
                var now = _clock.GetUtcNow();
                if (slice.UnreachableUntil > now)
                {
                    return BudgetAnswer.Unreachable;
                }

                if (slice.Tokens > 0 && slice.ExpiresAt > now)
                {
                    slice.Tokens--;
                    return BudgetAnswer.Admitted;
                }

                if (slice.Fetch is null)
                {
                    mine = new TaskCompletionSource<BudgetAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
                    slice.Fetch = mine.Task;
                }

                fetch = slice.Fetch;
            }

            if (mine is not null)
            {
                await FetchAsync(slice, clientId, limit, mine);
            }

            var answer = await fetch;
            if (answer != BudgetAnswer.Admitted)
            {
                return answer;
            }
        }

        return BudgetAnswer.Refused;
    }

    /// <summary>Fetches a slice into <paramref name="slice"/> and completes <paramref name="done"/> with what the
    /// budget said (Admitted when it granted tokens, which the waiting requests then take).</summary>
    private async Task FetchAsync(ClientSlice slice, string clientId, ClientRateLimit limit, TaskCompletionSource<BudgetAnswer> done)
    {
        var wanted = Math.Max(1, limit.RequestsPerSecond / 10);
        BudgetAnswer answer;
        try
        {
            var granted = await _take(clientId, wanted, limit.RequestsPerSecond, limit.Burst).WaitAsync(CallBound, _clock);
            lock (slice)
            {
                var fetched = _clock.GetUtcNow();
                slice.Tokens = (slice.ExpiresAt > fetched ? slice.Tokens : 0) + granted;
                slice.ExpiresAt = fetched + SliceLife;
                slice.Fetch = null;
            }

            answer = granted > 0 ? BudgetAnswer.Admitted : BudgetAnswer.Refused;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            lock (slice)
            {
                slice.UnreachableUntil = _clock.GetUtcNow() + UnreachablePause;
                slice.Fetch = null;
            }

            answer = BudgetAnswer.Unreachable;
        }
        catch (Exception e)
        {
            // Never leave the requests waiting on this fetch hanging: they fail with it.
            lock (slice)
            {
                slice.Fetch = null;
            }

            done.SetException(e);
            throw;
        }

        done.SetResult(answer);
    }

    private sealed class ClientSlice
    {
        public int Tokens;
        public DateTimeOffset ExpiresAt;
        public DateTimeOffset UnreachableUntil;
        public Task<BudgetAnswer>? Fetch;
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
