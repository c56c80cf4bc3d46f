using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>Every known worker (one grain, key <see cref="DefaultKey"/>), fed by the <c>capabilities</c> stream.</summary>
public interface IWorkerDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the directory grain.</summary>
    const string DefaultKey = "default";

    /// <summary>Every worker heard from, by id; <see cref="WorkerInfo.Online"/> says whether its heartbeat is fresh.</summary>
    Task<List<WorkerInfo>> ListAsync();

    /// <summary>The ids of the workers whose heartbeat is fresh (matching waits for their answers).</summary>
    [ReadOnly]
    Task<string[]> ListOnlineIdsAsync();

    /// <summary>The workers whose heartbeat is fresh, grouped by host (matching offers a job once per host and waits
    /// for every listed worker's answer).</summary>
    [ReadOnly]
    Task<OnlineWorkerHost[]> ListOnlineHostsAsync();
}
