using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>Every known worker (one grain, key <see cref="DefaultKey"/>), fed by the <c>capabilities</c> stream.</summary>
public interface IWorkerDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the directory grain.</summary>
    const string DefaultKey = "default";

    /// <summary>Up to <paramref name="limit"/> workers heard from (1 to <see cref="PageLimits.Max"/> + 1), by id
    /// (ordinal), starting after the id <paramref name="after"/> (null: from the first);
    /// <see cref="WorkerInfo.Online"/> says whether a worker's heartbeat is fresh.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<List<WorkerInfo>> ListAsync(string? after, int limit);

    /// <summary>How many workers have been heard from (the readiness probe reports it).</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<int> CountAsync();

    /// <summary>The ids of the workers whose heartbeat is fresh (matching waits for their answers).</summary>
    [ReadOnly]
    Task<string[]> ListOnlineIdsAsync();

    /// <summary>The workers whose heartbeat is fresh, grouped by host (matching offers a job once per host and waits
    /// for every listed worker's answer).</summary>
    [ReadOnly]
    Task<OnlineWorkerHost[]> ListOnlineHostsAsync();

    /// <summary>A worker's registration or heartbeat, sent by its grain straight to the directory (one way: a
    /// heartbeat lost while the directory moves to another silo is replaced by the next one).</summary>
    [OneWay]
    Task AnnounceAsync(WorkerInfo worker);

    /// <summary>When this directory began to hear heartbeats (its activation). The list is rebuilt from heartbeats, so
    /// until one offline period has passed since then a worker missing from it may only not have been heard yet (the
    /// directory was reactivated after its silo died or stopped).</summary>
    [ReadOnly]
    Task<DateTimeOffset> GetListeningSinceAsync();

    /// <summary>Records a worker's registered key and proof of possession (checked by the worker grain); the
    /// registry's epoch grows by one when the worker had no key in it. Returns the epoch.</summary>
    Task<long> RegisterKeyAsync(RegisteredWorkerKey key);

    /// <summary>Every registered worker key at the current epoch (workers by id, ordinal).</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<WorkerKeyRegistry> GetKeyRegistryAsync();

    /// <summary>The workers' silo is stopping: they are offline from now on (no new offers, no committee seats), and
    /// announcements they sent before are ignored; their next heartbeat after a start brings them back.</summary>
    Task LeaveAsync(string[] workerIds);
}
