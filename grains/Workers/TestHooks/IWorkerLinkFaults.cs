namespace Marketplace.Grains.Workers.TestHooks;

/// <summary>
/// Lets a test cut a worker off from the cluster: the executor asks it before every heartbeat, renewal, cancel and
/// hold question, and while it says "cut off" the worker behaves as one behind a lost network link (runs go on and
/// report when they finish; nothing else gets through). Never registered by the marketplace; a test silo registers
/// <see cref="WorkerFaultInjection"/> as one.
/// </summary>
internal interface IWorkerLinkFaults
{
    /// <summary>True while <paramref name="workerId"/> is cut off.</summary>
    bool IsCutOff(string workerId);
}
