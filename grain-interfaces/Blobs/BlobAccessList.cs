namespace Marketplace.GrainInterfaces;

/// <summary>
/// Who may read a blob, as its owners see it (<see cref="IBlobGrain.GetAccessAsync"/>, <c>GET /v1/blobs/{id}/access</c>):
/// its owners, the clients it is shared with, and whether it is public.
/// </summary>
/// <remarks>Owners are counted, not named: an owner is whoever uploaded the same bytes (or whose job produced them), and
/// one uploader must not learn who else holds them. Grants and the public flag belong to the blob, not to one owner:
/// every owner sees and may revoke every grant.</remarks>
[GenerateSerializer]
[Alias("marketplace.blob-access-list")]
public sealed class BlobAccessList
{
    /// <summary>The blob id.</summary>
    [Id(0)]
    public string BlobId { get; set; } = "";

    /// <summary>Number of owners (0 for a blob stored before blobs had owners, or stored by the silo itself).</summary>
    [Id(1)]
    public int OwnerCount { get; set; }

    /// <summary>Clients an owner shared the blob with, in the order they were added.</summary>
    [Id(2)]
    public List<string> SharedWith { get; set; } = [];

    /// <summary>True when every API key may read the blob.</summary>
    [Id(3)]
    public bool Public { get; set; }

    /// <summary>The most owners and grants together the blob may record (the silo's
    /// <c>Marketplace:Blobs:MaxAccessListEntries</c>).</summary>
    [Id(4)]
    public int MaxEntries { get; set; }
}
