using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// One worker (key = worker id). A silo hosts the workers its configuration names; each registers its capabilities
/// and a BLS public key with a proof of possession, heartbeats and announces itself on the <c>capabilities</c> stream
/// (<see cref="MarketplaceStreams"/>). Jobs are offered to its host (<see cref="IWorkerHostGrain"/>), which bids for
/// it; an assignment comes here (<see cref="AssignAsync"/>).
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>The worker's current info. Throws <see cref="WorkerNotFoundException"/> if it never registered.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<WorkerInfo> GetAsync();

    /// <summary>Registers (or re-registers after a restart) with capabilities and a BLS public key. Throws
    /// <see cref="WorkerRejectedException"/> for a malformed key, a proof of possession that does not verify, a key
    /// other than the one already registered for this id, or invalid capabilities.</summary>
    Task<WorkerInfo> RegisterAsync(WorkerRegistration registration);

    /// <summary>The worker's host is alive: refreshes the heartbeat and announces the worker on the
    /// <c>capabilities</c> stream. Throws <see cref="WorkerNotFoundException"/> before registration.</summary>
    Task HeartbeatAsync();

    /// <summary>Queues one attempt on the worker's executor (capacity slots plus a bounded queue). Not accepted when
    /// the worker is offline, not hosted on this silo, or its queue is full. Interleaves with the worker's other
    /// turns: a job assigns in the turn where its host's (one-way) bids arrived.</summary>
    [AlwaysInterleave]
    Task<AssignmentAnswer> AssignAsync(JobAssignment assignment);

    /// <summary>Stops attempt <paramref name="attemptId"/> of <paramref name="jobId"/> (the job was cancelled).</summary>
    [OneWay]
    Task CancelAttemptAsync(string jobId, string attemptId);

    /// <summary>The job gave attempt <paramref name="attemptId"/> up because its lease expired: counts against the
    /// worker's reputation and stops the run if it is still going.</summary>
    [OneWay]
    Task AttemptLostAsync(string jobId, string attemptId);

    /// <summary>Whether this worker's executor still holds attempt (or committee re-execution)
    /// <paramref name="attemptId"/> of <paramref name="jobId"/>, queued or running. False when the worker's silo is
    /// gone: the grain then answers from a silo that hosts no executor for it. A job asks after a silo of the cluster
    /// died, so that work lost with it is given to another worker at once rather than at its deadline.</summary>
    [AlwaysInterleave]
    [Alias("holds")]
    Task<bool> HoldsAsync(string jobId, string attemptId);

    /// <summary>Queues a re-execution of a job's run for its committee on the worker's executor, like an assignment;
    /// the worker answers later with <see cref="IJobAttemptGrain.ReportAttestationAsync"/>. Not accepted when the
    /// worker is offline, not hosted on this silo, or full.</summary>
    [AlwaysInterleave]
    Task<AssignmentAnswer> AttestAsync(AttestationRequest request);

    /// <summary>Signs <paramref name="representative"/>'s receipt hash without re-running, only when the result digest
    /// this worker recorded for the job (from its own run) is the representative's: a member whose own receipt has the
    /// same result as the group's representative endorses it. Null when the worker recorded another digest or none.</summary>
    [AlwaysInterleave]
    Task<byte[]?> EndorseAsync(ExecutionReceipt representative);

    /// <summary>The worker's reputation changed (an event was recorded): its host bids with the new score and ban
    /// from now on. Sent by the worker's <see cref="IReputationGrain"/>.</summary>
    [OneWay]
    Task ReputationChangedAsync(WorkerReputation reputation);

    /// <summary>Reads the worker's bonded stake from the settlement again now (after a stake, unstake or slash),
    /// instead of at its next periodic refresh; bids use the result at once.</summary>
    Task RefreshStakeAsync();
}
