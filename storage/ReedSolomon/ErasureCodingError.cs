namespace Marketplace.Storage.ReedSolomon;

/// <summary>Why an erasure-coding operation was refused; carried by <see cref="ErasureCodingException.Error"/>.</summary>
public enum ErasureCodingError
{
    /// <summary>Shard counts out of range: data shards must be at least 1, parity shards at least 1, the total at most 255.</summary>
    InvalidShardCounts = 1,

    /// <summary>The number of shards passed does not match the codec's shard count.</summary>
    ShardCountMismatch = 2,

    /// <summary>The shards passed do not all have the same length.</summary>
    ShardLengthMismatch = 3,

    /// <summary>Fewer than the data shard count of shards or fragments are present and intact, so nothing can be rebuilt.</summary>
    NotEnoughShards = 4,

    /// <summary>The requested kernel needs instructions this processor does not have.</summary>
    KernelNotSupported = 5,

    /// <summary>A size setting (chunk size, blob length) is out of range.</summary>
    InvalidSize = 6,

    /// <summary>The source stream ended before the stated blob length.</summary>
    SourceTruncated = 7,

    /// <summary>A manifest is inconsistent (digest lengths, fragment count, lengths that do not agree).</summary>
    InvalidManifest = 8,

    /// <summary>A fragment stream cannot be used (not readable, not seekable, or not writable for output).</summary>
    UnusableStream = 9,
}
