using System.Collections.Concurrent;

namespace Marketplace.Grains.Workers.TestHooks;

/// <summary>
/// Fault injection for tests: makes a worker hosted on this silo crash or lose the cluster. Not registered by the
/// marketplace; a test silo adds it as itself and as the silo's <see cref="IWorkerLinkFaults"/>
/// (<c>services.AddSingleton&lt;WorkerFaultInjection&gt;()</c>, then
/// <c>services.AddSingleton&lt;IWorkerLinkFaults&gt;(sp =&gt; sp.GetRequiredService&lt;WorkerFaultInjection&gt;())</c>).
/// </summary>
internal sealed class WorkerFaultInjection(LocalWorkers workers) : IWorkerLinkFaults
{
    private readonly ConcurrentDictionary<string, byte> _cutOff = new(StringComparer.Ordinal);

    /// <summary>Crashes <paramref name="workerId"/>'s host: its runs stop without a report, no more heartbeats or lease
    /// renewals (<see cref="WorkerExecutor.Halt"/>). Throws <see cref="InvalidOperationException"/> when not hosted here.</summary>
    public void Crash(string workerId) => Require(workerId).Halt();

    /// <summary>Cuts <paramref name="workerId"/> off: runs finish and report late; no heartbeats, renewals or new work.</summary>
    public void Partition(string workerId)
    {
        Require(workerId);
        _cutOff[workerId] = 0;
    }

    /// <summary>Reconnects a partitioned <paramref name="workerId"/>: it heartbeats and takes work again.</summary>
    public void Heal(string workerId)
    {
        Require(workerId);
        _cutOff.TryRemove(workerId, out _);
    }

    /// <inheritdoc />
    public bool IsCutOff(string workerId) => _cutOff.ContainsKey(workerId);

    private WorkerExecutor Require(string workerId) =>
        workers.Find(workerId) ?? throw new InvalidOperationException($"Worker {workerId} is not hosted on this silo.");
}
