namespace Marketplace.GrainInterfaces;

/// <summary>
/// Proof that a storage provider broke a fragment commitment: its signed <see cref="Commitment"/> to a fragment's
/// Merkle root, and an audit <see cref="Answer"/> to <see cref="Challenge"/> signed with the same key whose chunk and
/// proof do not verify against that root. Anyone holding the two signatures can check it offline
/// (<c>StorageFaultEvidenceVerifier</c> in grains/Storage): no deal state, provider or silo is needed.
/// </summary>
/// <remarks>Never changed once made ([Immutable]).</remarks>
[GenerateSerializer]
[Alias("marketplace.storage-fault-evidence")]
[Immutable]
public sealed class StorageFaultEvidence
{
    /// <summary>The bytes the evidence hash starts with: ASCII <c>marketplace/storage-fault-evidence/v1</c>.</summary>
    public static ReadOnlySpan<byte> DomainTag => "marketplace/storage-fault-evidence/v1"u8;

    /// <summary>The provider accused (its registered keys must include the commitment's key).</summary>
    [Id(0)] public string ProviderId { get; set; } = "";

    /// <summary>The provider's signed commitment to the fragment.</summary>
    [Id(1)] public FragmentCommitment Commitment { get; set; } = new();

    /// <summary>The audit question.</summary>
    [Id(2)] public StorageChallenge Challenge { get; set; } = new();

    /// <summary>The provider's signed answer.</summary>
    [Id(3)] public StorageProof Answer { get; set; } = new();

    /// <summary>
    /// The evidence's identity: SHA-256 over <see cref="DomainTag"/>, the 48-byte public key and the commitment's
    /// <see cref="FragmentCommitment.MessageHash"/>. It names the broken commitment, not the answer: one fragment a
    /// provider stopped holding is one offence, however many wrong answers prove it.
    /// </summary>
    public static byte[] Hash(FragmentCommitment commitment)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        using var statement = new StorageStatement(DomainTag);
        return statement.Bytes(commitment.PublicKey ?? []).Bytes(commitment.MessageHash()).Hash();
    }
}
