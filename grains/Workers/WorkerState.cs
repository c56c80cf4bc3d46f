using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Workers;

/// <summary>What a worker grain keeps: its registration and its attempt counters.</summary>
[GenerateSerializer]
[Alias("marketplace.worker-state")]
internal sealed class WorkerState
{
    /// <summary>The capabilities last registered.</summary>
    [Id(0)] public WorkerCapabilities? Capabilities { get; set; }

    /// <summary>The registered BLS public key, hex.</summary>
    [Id(1)] public string BlsPublicKey { get; set; } = "";

    /// <summary>First registration.</summary>
    [Id(2)] public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>Attempts that succeeded.</summary>
    [Id(3)] public long Completed { get; set; }

    /// <summary>Attempts lost by this worker (lease expired).</summary>
    [Id(4)] public long Failed { get; set; }
}
