namespace Marketplace.Grains.Workers.TestHooks;

/// <summary>
/// Fault injection for tests: makes a worker hosted on this silo crash or lose the cluster. Not registered by the
/// marketplace; a test silo adds it (<c>services.AddSingleton&lt;WorkerFaultInjection&gt;()</c>) and resolves it.
/// </summary>
internal sealed class WorkerFaultInjection(LocalWorkers workers)
{
    /// <summary>Simulates a crash of <paramref name="workerId"/>'s host: its runs stop without a report, no more
    /// heartbeats or lease renewals. Throws <see cref="InvalidOperationException"/> when not hosted here.</summary>
    public void Crash(string workerId) => Require(workerId).SimulateCrash();

    /// <summary>Cuts <paramref name="workerId"/> off: runs finish and report late; no heartbeats, renewals or new work.</summary>
    public void Partition(string workerId) => Require(workerId).SimulatePartition();

    /// <summary>Reconnects a partitioned <paramref name="workerId"/>: it heartbeats and takes work again.</summary>
    public void Heal(string workerId) => Require(workerId).SimulateHeal();

    private WorkerExecutor Require(string workerId) =>
        workers.Find(workerId) ?? throw new InvalidOperationException($"Worker {workerId} is not hosted on this silo.");
}
