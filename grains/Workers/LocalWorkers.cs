using System.Collections.Concurrent;

namespace Marketplace.Grains.Workers;

/// <summary>The executors of the workers this silo hosts, by worker id (filled by <see cref="WorkerHostedService"/>).</summary>
internal sealed class LocalWorkers
{
    private readonly ConcurrentDictionary<string, WorkerExecutor> _executors = new(StringComparer.Ordinal);

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

    /// <summary>Simulates a crash of <paramref name="workerId"/>'s host: its runs stop without a report, no more
    /// heartbeats or lease renewals. Throws <see cref="InvalidOperationException"/> when not hosted here.</summary>
    public void Kill(string workerId) => Require(workerId).Kill();

    /// <summary>Cuts <paramref name="workerId"/> off: runs finish and report late; no heartbeats, renewals or new work.</summary>
    public void Partition(string workerId) => Require(workerId).Partition();

    private WorkerExecutor Require(string workerId) =>
        Find(workerId) ?? throw new InvalidOperationException($"Worker {workerId} is not hosted on this silo.");
}
