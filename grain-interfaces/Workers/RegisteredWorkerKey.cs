namespace Marketplace.GrainInterfaces;

/// <summary>One worker's entry in a <see cref="WorkerKeyRegistry"/>.</summary>
[GenerateSerializer]
[Alias("marketplace.registered-worker-key")]
[Immutable]
public sealed class RegisteredWorkerKey
{
    /// <summary>The worker id.</summary>
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>The worker's BLS public key, 48 bytes compressed (G1).</summary>
    [Id(1)] public byte[] PublicKey { get; set; } = [];

    /// <summary>The key's proof of possession, 96 bytes compressed (G2): checked before the key counts in an
    /// aggregate, which rules out keys made up to cancel others (rogue keys).</summary>
    [Id(2)] public byte[] ProofOfPossession { get; set; } = [];
}
