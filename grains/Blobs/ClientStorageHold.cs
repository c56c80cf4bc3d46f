namespace Marketplace.Grains.Blobs;

/// <summary>
/// The record of one upload's hold in <see cref="ClientStorageState"/>, so the bytes an upload wrote stay counted when
/// the client's ledger loses its activation (its silo died) while the upload's chunks are still on disk.
/// </summary>
/// <remarks>Written ahead, not with every chunk: <see cref="Bytes"/> is at least the bytes held when it was written
/// (twice as many, within the client's limit, so an upload of n chunks writes its record some log₂ n times), and
/// <see cref="Until"/> is rewritten once the hold's renewals pass it by half its <see cref="Span"/>. A ledger activated
/// from the record therefore holds at least what the lost one held, until at least as late.</remarks>
[GenerateSerializer]
[Alias("marketplace.client-storage-hold")]
internal sealed class ClientStorageHold
{
    /// <summary>An upper bound of the bytes the upload held.</summary>
    [Id(0)]
    public long Bytes { get; set; }

    /// <summary>When the hold ran out as this record was written.</summary>
    [Id(1)]
    public DateTimeOffset Until { get; set; }

    /// <summary>How long each renewal holds for.</summary>
    [Id(2)]
    public TimeSpan Span { get; set; }

    /// <summary>The blob whose charge takes the hold over, once the upload named it.</summary>
    [Id(3)]
    public string? BlobId { get; set; }

    /// <summary>The latest time the hold can last: renewals after this record moved it by less than half a span.</summary>
    public DateTimeOffset LatestEnd => Until + Span / 2;
}
