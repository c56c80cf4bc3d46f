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
/// fragment's root recorded in the deal.</summary>
[GenerateSerializer]
[Alias("marketplace.storage-proof")]
[Immutable]
public sealed class StorageProof
{
    /// <summary>The chunk's bytes.</summary>
    [Id(0)] public byte[] Chunk { get; set; } = [];

    /// <summary>The proof, 32 bytes per level.</summary>
    [Id(1)] public byte[] Proof { get; set; } = [];
}
