namespace Marketplace.GrainInterfaces;

/// <summary>
/// The workers' registered BLS keys at one epoch: what a verifier of an <see cref="AggregatedReceipt"/> checks its
/// members' keys against, offline. The epoch grows by one each time a worker registers a key it did not have.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.worker-key-registry")]
[Immutable]
public sealed class WorkerKeyRegistry
{
    /// <summary>The registry's epoch (0 before any key is registered).</summary>
    [Id(0)] public long Epoch { get; set; }

    /// <summary>Every registered worker's key, by worker id (ordinal order).</summary>
    [Id(1)] public List<RegisteredWorkerKey> Workers { get; set; } = [];
}
