using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Workers;

/// <summary>
/// What a worker's host needs to bid for it without a call to its grain: the registered capabilities, the attempt
/// counters behind its reputation and its last heartbeat. The worker grain publishes a new profile on its executor
/// whenever one of them changes (registration, heartbeat, a lost attempt, a stake refresh); the host reads the latest.
/// <paramref name="StakeShortfall"/> is why the worker may not bid while jobs are paid through the settlement (its
/// bonded stake below the minimum), or null.
/// </summary>
internal sealed record WorkerProfile(WorkerCapabilities Capabilities, long Completed, long Failed, DateTimeOffset LastHeartbeat, string? StakeShortfall = null)
{
    /// <summary>The worker's reputation (<see cref="ReputationOf"/>).</summary>
    public double Reputation => ReputationOf(Completed, Failed);

    /// <summary>Reputation in [0, 1] of <paramref name="completed"/> successes and <paramref name="failed"/> losses:
    /// successes over attempts with a prior of 4 successes in 5 (a new worker starts at 0.8, CIRO's starting
    /// score).</summary>
    public static double ReputationOf(long completed, long failed) => (completed + 4.0) / (completed + failed + 5.0);

    /// <summary>Why <paramref name="workerId"/> counts as offline, its last heartbeat at <paramref name="lastHeartbeat"/>
    /// (default: none since its grain was activated).</summary>
    public static string OfflineReason(string workerId, DateTimeOffset lastHeartbeat, DateTimeOffset now) =>
        lastHeartbeat == default
            ? $"worker {workerId} is offline (no heartbeat since its activation)"
            : $"worker {workerId} is offline (last heartbeat {(now - lastHeartbeat).TotalSeconds:0.#} s ago)";
}
