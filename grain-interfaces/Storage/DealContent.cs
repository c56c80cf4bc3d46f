namespace Marketplace.GrainInterfaces;

/// <summary>What a streamed upload of a deal's bytes found (<see cref="IStorageDealGrain.CompleteAsync"/>): the
/// content's digests and each fragment's.</summary>
[GenerateSerializer]
[Alias("marketplace.deal-content")]
[Immutable]
public sealed class DealContent
{
    /// <summary>SHA-256 of the bytes (hex).</summary>
    [Id(0)] public string ContentSha256 { get; set; } = "";

    /// <summary>The blob id of the bytes (see <see cref="DealStatus.BlobId"/>).</summary>
    [Id(1)] public string BlobId { get; set; } = "";

    /// <summary>Each fragment's SHA-256 (hex), by index.</summary>
    [Id(2)] public List<string> FragmentSha256 { get; set; } = [];

    /// <summary>Each fragment's chunk Merkle root (hex), by index.</summary>
    [Id(3)] public List<string> FragmentMerkleRoots { get; set; } = [];
}
