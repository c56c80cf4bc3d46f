namespace Marketplace.GrainInterfaces;

/// <summary>An audit's question to a provider: chunk <see cref="ChunkIndex"/> of fragment <see cref="Fragment"/> of
/// deal <see cref="DealId"/>. The index is drawn at random when the audit runs, so a provider cannot answer without
/// holding the chunk.</summary>
[GenerateSerializer]
[Alias("marketplace.storage-challenge")]
[Immutable]
public sealed class StorageChallenge
{
    /// <summary>The deal.</summary>
    [Id(0)] public string DealId { get; set; } = "";

    /// <summary>The fragment's index (0 to k+m-1).</summary>
    [Id(1)] public int Fragment { get; set; }

    /// <summary>The chunk asked for.</summary>
    [Id(2)] public int ChunkIndex { get; set; }

    /// <summary>The fragment's chunk size in bytes.</summary>
    [Id(3)] public int ChunkSize { get; set; }
}

/// <summary>A provider's answer: the chunk and its Merkle proof (sibling hashes, leaf level first) against the
/// fragment's root recorded in the deal, signed with the provider's key, so a wrong answer is evidence against it
/// (<see cref="StorageFaultEvidence"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.storage-proof")]
[Immutable]
public sealed class StorageProof
{
    /// <summary>The chunk's bytes.</summary>
    [Id(0)] public byte[] Chunk { get; set; } = [];

    /// <summary>The proof, 32 bytes per level.</summary>
    [Id(1)] public byte[] Proof { get; set; } = [];

    /// <summary>The provider's BLS signature over <see cref="MessageHash"/> of this answer, 96 bytes compressed;
    /// empty from a provider that signs nothing (its answer then counts as wrong).</summary>
    [Id(2)] public byte[] Signature { get; set; } = [];

    /// <summary>The bytes the signed statement starts with: ASCII <c>marketplace/storage-proof/v1</c>.</summary>
    public static ReadOnlySpan<byte> DomainTag => "marketplace/storage-proof/v1"u8;

    /// <summary>What the provider signs for an answer to <paramref name="challenge"/>: SHA-256 over
    /// <see cref="DomainTag"/>, the deal id (2-byte big-endian length, UTF-8), the fragment index, the chunk index and
    /// the chunk size (4 bytes big-endian each), SHA-256 of the chunk, and the proof (4-byte length, bytes).</summary>
    public static byte[] MessageHash(StorageChallenge challenge, ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> proof)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        using var statement = new StorageStatement(DomainTag);
        return statement.Text(challenge.DealId).Int(challenge.Fragment).Int(challenge.ChunkIndex).Int(challenge.ChunkSize)
            .Bytes(System.Security.Cryptography.SHA256.HashData(chunk)).Sized(proof).Hash();
    }
}
