// Design: every submit calls its client's job list twice (reserve a place under the quotas, then list the stored
// job), and one list serves all of a client's submits. When the silo hosting the list dies, the calls fail (connection
// refused) or hang (a dead host drops packets) until the other silos declare it dead, seconds later; waiting for them
// would stop every submission of that client on every silo. So the calls are bounded (1 s), and a list that did not
// answer is not asked again by this silo for 10 s: the submit goes on without it. A job accepted that way was not
// counted against the client's quotas (they are not enforced for that client on this silo for those seconds), and it
// is listed when the list answers its end (an end of a job the list does not know lists it). The quotas themselves
// (QuotaExceededException) are answers, not failures: they reach the client.
using System.Collections.Concurrent;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.TestHooks;

namespace Marketplace.Grains.Jobs;

/// <summary>The submit path's calls to a client's job list (<see cref="IClientJobsGrain"/>), bounded so a list whose
/// silo died does not hold the client's submissions.</summary>
internal sealed class ClientListCalls(GrainReferences<IClientJobsGrain> lists, ClientListFaultInjection? faults)
{
    /// <summary>The longest a submit waits for its client's list.</summary>
    internal static readonly TimeSpan CallBound = TimeSpan.FromSeconds(1);

    /// <summary>How long this silo leaves a list alone after it did not answer.</summary>
    internal static readonly TimeSpan UnreachablePause = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, long> _unreachableUntil = new(StringComparer.Ordinal);

    /// <summary>Reserves the job's place (<see cref="IClientJobsGrain.ReserveAsync"/>). False when the list did not
    /// answer in time (the job goes on unreserved).</summary>
    /// <exception cref="QuotaExceededException">A quota of the client is full.</exception>
    public Task<bool> TryReserveAsync(string clientId, string jobId, long maxFuel) =>
        TryAsync(clientId, list => list.ReserveAsync(jobId, maxFuel));

    /// <summary>Lists the stored job (<see cref="IClientJobsGrain.AddAsync"/>). False when the list did not answer in
    /// time (the job's end lists it).</summary>
    public Task<bool> TryAddAsync(string clientId, JobSummary job) =>
        TryAsync(clientId, list => list.AddAsync(job));

    /// <summary>Gives a reservation back (<see cref="IClientJobsGrain.ReleaseReservationAsync"/>); a list that does not
    /// answer lets it lapse on its own.</summary>
    public Task<bool> TryReleaseAsync(string clientId, string jobId) =>
        TryAsync(clientId, list => list.ReleaseReservationAsync(jobId));

    private async Task<bool> TryAsync(string clientId, Func<IClientJobsGrain, Task> call)
    {
        if (_unreachableUntil.TryGetValue(clientId, out var until))
        {
            if (Environment.TickCount64 < until)
            {
                return false;
            }

            _unreachableUntil.TryRemove(clientId, out _);
        }

        try
        {
            faults?.BeforeSubmitCall(clientId);
            await call(lists.Get(clientId)).WaitAsync(CallBound);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            _unreachableUntil[clientId] = Environment.TickCount64 + (long)UnreachablePause.TotalMilliseconds;
            return false;
        }
    }
}
