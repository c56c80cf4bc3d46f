// Bytes held for a client's uploads. An upload writes its chunks as they arrive, long before its blob is charged at
// completion, and an abandoned upload's chunks stay on disk until the collector frees them after the grace. So each
// upload holds the bytes of the chunks it wrote that the store did not have (bytes already stored take no new space),
// refreshed with every new chunk to last the upload's idle timeout plus the grace; the blob's charge takes the hold over, and an abandoned upload's hold simply runs out after its
// chunks may be collected. Holds live in memory: a lost activation (its silo died) forgets them until the uploads
// still under way write their next new chunk, which holds all their new bytes again. The activation stays while it holds any.
using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <content>Holds of uploads under way or abandoned.</content>
internal sealed partial class ClientStorageGrain
{
    private readonly Dictionary<Guid, UploadHold> _holds = [];

    /// <inheritdoc />
    public Task HoldUploadAsync(Guid uploadId, long bytes, TimeSpan hold, bool enforceQuota, string? blobId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var held = _holds.TryGetValue(uploadId, out var mine) ? mine.Bytes : 0;
        var others = HeldBytes(null) - held;
        var limit = _options.StoredBytesLimit(ClientId);

        // Only growth is checked: renewing or tagging what the upload holds already is never refused.
        if (enforceQuota && limit > 0 && bytes > held && _storedBytes + others + bytes > limit)
        {
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"stored bytes: this client stores {_storedBytes:N0} bytes and its other uploads hold {others:N0}; an upload's {bytes:N0} new bytes (so far) would pass its limit of {limit:N0}. Delete blobs it no longer needs, or wait for abandoned uploads to be collected, and upload again");
            log.StorageQuotaRefused(ClientId, "upload:" + uploadId.ToString("N"), bytes, reason);
            throw new QuotaExceededException(reason);
        }

        _holds[uploadId] = new UploadHold(bytes, time.GetUtcNow() + hold, blobId);
        DelayDeactivation(hold);
        return Task.CompletedTask;
    }

    /// <summary>Bytes held by uploads whose hold has not run out, but for those that bring blob
    /// <paramref name="blobId"/> (null: all); holds that ran out are dropped.</summary>
    private long HeldBytes(string? blobId)
    {
        if (_holds.Count == 0)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        long held = 0;
        List<Guid>? expired = null;
        foreach (var (id, hold) in _holds)
        {
            if (hold.Until <= now)
            {
                (expired ??= []).Add(id);
            }
            else if (blobId is null || hold.BlobId != blobId)
            {
                held += hold.Bytes;
            }
        }

        if (expired is not null)
        {
            foreach (var id in expired)
            {
                _holds.Remove(id);
            }
        }

        return held;
    }

    /// <summary>Drops the holds of the uploads that brought blob <paramref name="blobId"/>: its charge counts them.</summary>
    private void DropHoldsOf(string blobId)
    {
        if (_holds.Count == 0)
        {
            return;
        }

        List<Guid>? taken = null;
        foreach (var (id, hold) in _holds)
        {
            if (hold.BlobId == blobId)
            {
                (taken ??= []).Add(id);
            }
        }

        if (taken is not null)
        {
            foreach (var id in taken)
            {
                _holds.Remove(id);
            }
        }
    }

    private readonly record struct UploadHold(long Bytes, DateTimeOffset Until, string? BlobId);
}
