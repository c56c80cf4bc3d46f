namespace Marketplace.GrainInterfaces;

/// <summary>
/// A storage provider's signed statement that it holds fragment <see cref="Fragment"/> of deal <see cref="DealId"/>
/// with the digests it computed itself from the bytes it stored (<see cref="IStorageProviderGrain.CommitAsync"/>).
/// The deal keeps it; an audit answer signed with the same key that does not verify against
/// <see cref="MerkleRoot"/> is then proof that the provider broke it (<see cref="StorageFaultEvidence"/>).
/// </summary>
/// <remarks>Never changed once made ([Immutable]).</remarks>
[GenerateSerializer]
[Alias("marketplace.fragment-commitment")]
[Immutable]
public sealed class FragmentCommitment
{
    /// <summary>The bytes the signed statement starts with: ASCII <c>marketplace/fragment-commitment/v1</c>.</summary>
    public static ReadOnlySpan<byte> DomainTag => "marketplace/fragment-commitment/v1"u8;

    /// <summary>The deal.</summary>
    [Id(0)] public string DealId { get; set; } = "";

    /// <summary>The fragment's index.</summary>
    [Id(1)] public int Fragment { get; set; }

    /// <summary>Bytes per chunk.</summary>
    [Id(2)] public int ChunkSize { get; set; }

    /// <summary>Chunks in the fragment.</summary>
    [Id(3)] public int ChunkCount { get; set; }

    /// <summary>SHA-256 of the whole fragment, 32 bytes.</summary>
    [Id(4)] public byte[] Sha256 { get; set; } = [];

    /// <summary>The Merkle root of its chunks, 32 bytes.</summary>
    [Id(5)] public byte[] MerkleRoot { get; set; } = [];

    /// <summary>The provider's BLS12-381 public key, 48 bytes compressed (G1).</summary>
    [Id(6)] public byte[] PublicKey { get; set; } = [];

    /// <summary>The provider's BLS signature over <see cref="MessageHash"/>, 96 bytes compressed (G2).</summary>
    [Id(7)] public byte[] Signature { get; set; } = [];

    /// <summary>What the provider signs: SHA-256 over <see cref="DomainTag"/>, the deal id (2-byte big-endian length,
    /// UTF-8), the fragment index, the chunk size and the chunk count (4 bytes big-endian each), the SHA-256 and the
    /// Merkle root.</summary>
    public byte[] MessageHash()
    {
        using var statement = new StorageStatement(DomainTag);
        return statement.Text(DealId).Int(Fragment).Int(ChunkSize).Int(ChunkCount).Bytes(Sha256 ?? []).Bytes(MerkleRoot ?? []).Hash();
    }
}
