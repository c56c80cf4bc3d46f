namespace Marketplace.GrainInterfaces;

/// <summary>What a blob is: its id, size, media type and ordered chunk list.</summary>
[GenerateSerializer]
[Alias("marketplace.blob-manifest")]
public sealed class BlobManifest
{
    /// <summary>The blob id: <c>blob</c> + 64 lowercase hex of the Merkle root over the chunk hashes.</summary>
    [Id(0)]
    public string Id { get; set; } = "";

    /// <summary>Total size in bytes (at least 1).</summary>
    [Id(1)]
    public long Size { get; set; }

    /// <summary>The media type given at upload.</summary>
    [Id(2)]
    public string MediaType { get; set; } = "application/octet-stream";

    /// <summary>The chunks in order.</summary>
    [Id(3)]
    public List<ChunkRef> Chunks { get; set; } = [];

    /// <summary>When the blob was first stored.</summary>
    [Id(4)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The SHA-256 of the blob's bytes (64 lowercase hex), as the upload that first stored it hashed them in
    /// order: what a receipt names as a job's input hash. Null for a blob stored before it was recorded. (Id 8: the
    /// blob grain's record reads a stored manifest by these ids, and uses 5-7 for its own fields.)</summary>
    [Id(8)]
    public string? ContentSha256 { get; set; }
}

/// <summary>One chunk of a blob.</summary>
[GenerateSerializer]
[Alias("marketplace.chunk-ref")]
public sealed class ChunkRef
{
    /// <summary>SHA-256 of the chunk bytes, 64 lowercase hex: the chunk's address in the chunk store.</summary>
    [Id(0)]
    public string Hash { get; set; } = "";

    /// <summary>Offset of the chunk's first byte in the blob.</summary>
    [Id(1)]
    public long Offset { get; set; }

    /// <summary>Chunk length in bytes.</summary>
    [Id(2)]
    public int Size { get; set; }
}

/// <summary>A Merkle inclusion proof: chunk <see cref="Index"/> with hash <see cref="ChunkHash"/> is in blob
/// <see cref="BlobId"/>. <see cref="Siblings"/> run from the leaf level up; the blob library documents the tree.</summary>
[GenerateSerializer]
[Alias("marketplace.chunk-proof")]
public sealed class ChunkProof
{
    /// <summary>The blob id (its Merkle root).</summary>
    [Id(0)]
    public string BlobId { get; set; } = "";

    /// <summary>The chunk index.</summary>
    [Id(1)]
    public int Index { get; set; }

    /// <summary>Number of chunks in the blob.</summary>
    [Id(2)]
    public int ChunkCount { get; set; }

    /// <summary>The chunk's SHA-256, 64 hex.</summary>
    [Id(3)]
    public string ChunkHash { get; set; } = "";

    /// <summary>Sibling hashes from the leaf level to just below the root, 64 hex each.</summary>
    [Id(4)]
    public List<string> Siblings { get; set; } = [];
}
