using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Workers;

/// <summary>What the worker directory persists: the registered worker keys and the registry's epoch.</summary>
[GenerateSerializer]
[Alias("marketplace.worker-key-registry-state")]
internal sealed class WorkerKeyRegistryState
{
    /// <summary>Grows by one each time a worker registers a key it did not have.</summary>
    [Id(0)] public long Epoch { get; set; }

    /// <summary>The keys by worker id.</summary>
    [Id(1)] public Dictionary<string, RegisteredWorkerKey> Keys { get; set; } = new(StringComparer.Ordinal);
}
