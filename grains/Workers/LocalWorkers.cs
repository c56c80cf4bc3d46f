using System.Collections.Concurrent;

namespace Marketplace.Grains.Workers;

/// <summary>The executors of the workers this silo hosts, by worker id (filled by <see cref="WorkerHostedService"/>).</summary>
internal sealed class LocalWorkers
{
    private readonly ConcurrentDictionary<string, WorkerExecutor> _executors = new(StringComparer.Ordinal);

    /// <summary>This silo's worker host id (<see cref="Marketplace.GrainInterfaces.IWorkerHostGrain"/>'s key): the id
    /// of its first configured worker; empty while the silo hosts none.</summary>
    public string HostId { get; set; } = "";

    /// <summary>Jobs waiting for room on these workers.</summary>
    public WorkerWaitlist Waitlist { get; } = new();

    /// <summary>The executors.</summary>
    public ICollection<WorkerExecutor> All => _executors.Values;

    /// <summary>The executor of <paramref name="workerId"/>, or null when this silo does not host it.</summary>
    public WorkerExecutor? Find(string workerId) => _executors.TryGetValue(workerId, out var e) ? e : null;

    /// <summary>Adds an executor.</summary>
    public void Add(WorkerExecutor executor) => _executors[executor.WorkerId] = executor;

    /// <summary>Removes every executor.</summary>
    public List<WorkerExecutor> RemoveAll()
    {
        var all = _executors.Values.ToList();
        _executors.Clear();
        return all;
    }
}
