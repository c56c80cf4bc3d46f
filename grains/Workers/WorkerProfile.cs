using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Workers;

/// <summary>
/// What a worker's host needs to bid for it without a call to a grain: the registered capabilities, the attempt
/// counters, its last heartbeat, and its reputation score and ban as its reputation grain last reported them. The
/// worker grain publishes a new profile on its executor whenever one of them changes (registration, heartbeat, a
/// lost attempt, a reputation change, a stake refresh); the host reads the latest. <paramref name="StakeShortfall"/> is
/// why the worker may not bid while jobs are paid through the settlement (its bonded stake below the minimum), or null.
/// </summary>
internal sealed record WorkerProfile(
    WorkerCapabilities Capabilities,
    long Completed,
    long Failed,
    DateTimeOffset LastHeartbeat,
    double Reputation,
    DateTimeOffset? BannedUntil,
    string? BanReason,
    string? StakeShortfall = null)
{
    /// <summary>Why <paramref name="workerId"/> counts as offline, its last heartbeat at <paramref name="lastHeartbeat"/>
    /// (default: none since its grain was activated).</summary>
    public static string OfflineReason(string workerId, DateTimeOffset lastHeartbeat, DateTimeOffset now) =>
        lastHeartbeat == default
            ? $"worker {workerId} is offline (no heartbeat since its activation)"
            : $"worker {workerId} is offline (last heartbeat {(now - lastHeartbeat).TotalSeconds:0.#} s ago)";
}
