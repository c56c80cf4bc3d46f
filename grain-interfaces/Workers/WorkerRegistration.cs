namespace Marketplace.GrainInterfaces;

/// <summary>What a worker host sends to register a worker: capabilities and a BLS key with its proof of possession.</summary>
[GenerateSerializer]
[Alias("marketplace.worker-registration")]
public sealed class WorkerRegistration
{
    /// <summary>What the worker offers.</summary>
    [Id(0)] public WorkerCapabilities Capabilities { get; set; } = new();

    /// <summary>BLS12-381 public key (G1, 48 bytes compressed), hex.</summary>
    [Id(1)] public string BlsPublicKey { get; set; } = "";

    /// <summary>Proof of possession of the secret key (G2, 96 bytes compressed), hex.</summary>
    [Id(2)] public string ProofOfPossession { get; set; } = "";
}

/// <summary>A worker's answer to <see cref="IWorkerGrain.AssignAsync"/>.</summary>
/// <remarks>Never changed once sent ([Immutable]): Orleans passes it by reference between grains of one silo instead of
/// copying it.</remarks>
[GenerateSerializer]
[Alias("marketplace.assignment-answer")]
[Immutable]
public sealed class AssignmentAnswer
{
    /// <summary>True when the attempt was queued for execution.</summary>
    [Id(0)] public bool Accepted { get; set; }

    /// <summary>Why not, e.g. "queue is full (16 of 16)".</summary>
    [Id(1)] public string? Reason { get; set; }

    /// <summary>Refused only for lack of room: the job should wait and try again, not fail.</summary>
    [Id(2)] public bool Busy { get; set; }
}
