using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>
/// The persisted state of a <see cref="BlobGrain"/>: the manifest and who may read the blob.
/// </summary>
/// <remarks>
/// Fields 0-4 carry the same <c>[Id]</c>s and types as <see cref="BlobManifest"/>, which was this grain's state before
/// blobs had owners: Orleans' version-tolerant format reads such a stored manifest as a record with no owners, no
/// grants and not public (the state name stays <c>manifest</c>). Keep those five ids as they are, and give a field
/// the manifest gains the same id here (8: <see cref="BlobManifest.ContentSha256"/>).
/// </remarks>
[GenerateSerializer]
[Alias("marketplace.blob-record")]
internal sealed class BlobRecord
{
    /// <summary>As <see cref="BlobManifest.Id"/>.</summary>
    [Id(0)]
    public string Id { get; set; } = "";

    /// <summary>As <see cref="BlobManifest.Size"/>.</summary>
    [Id(1)]
    public long Size { get; set; }

    /// <summary>As <see cref="BlobManifest.MediaType"/>.</summary>
    [Id(2)]
    public string MediaType { get; set; } = "application/octet-stream";

    /// <summary>As <see cref="BlobManifest.Chunks"/>.</summary>
    [Id(3)]
    public List<ChunkRef> Chunks { get; set; } = [];

    /// <summary>As <see cref="BlobManifest.CreatedAt"/>.</summary>
    [Id(4)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Client ids that uploaded these bytes or whose job produced them, in the order they came.</summary>
    [Id(5)]
    public List<string> Owners { get; set; } = [];

    /// <summary>Client ids an owner shared the blob with (never an owner).</summary>
    [Id(6)]
    public List<string> SharedWith { get; set; } = [];

    /// <summary>True when every client may read the blob.</summary>
    [Id(7)]
    public bool Public { get; set; }

    /// <summary>As <see cref="BlobManifest.ContentSha256"/> (the same id).</summary>
    [Id(8)]
    public string? ContentSha256 { get; set; }

    /// <summary>Owners and grants together: what <see cref="BlobOptions.MaxAccessListEntries"/> bounds.</summary>
    public int AccessEntries => Owners.Count + SharedWith.Count;

    /// <summary>A record of <paramref name="manifest"/> with no owner yet.</summary>
    public static BlobRecord From(BlobManifest manifest) => new()
    {
        Id = manifest.Id,
        Size = manifest.Size,
        MediaType = manifest.MediaType,
        Chunks = manifest.Chunks,
        CreatedAt = manifest.CreatedAt,
        ContentSha256 = manifest.ContentSha256,
    };

    /// <summary>The manifest part, as clients see it.</summary>
    public BlobManifest ToManifest() => new()
    {
        Id = Id,
        Size = Size,
        MediaType = MediaType,
        Chunks = Chunks,
        CreatedAt = CreatedAt,
        ContentSha256 = ContentSha256,
    };
}
