// Bytes held for a client's uploads. An upload writes its chunks as they arrive, long before its blob is charged at
// completion, and an abandoned upload's chunks stay on disk until the collector frees them after the grace. So each
// upload holds the bytes of the chunks it wrote that the store did not have (bytes already stored take no new space),
// refreshed with every new chunk to last the upload's idle timeout plus the grace; the blob's charge takes the hold over, and an abandoned upload's hold simply runs out after its
// chunks may be collected. A job's output is held the same way before its run commits anything (HoldOutputAsync), so
// a run whose output does not fit ends quota_exceeded with no effect, and the output's charge never passes the quota.
// A client's upload holds are also recorded in its state (ClientStorageHold), written ahead of the bytes rather than
// with every chunk, so a ledger that lost its activation (its silo died) while an abandoned upload's chunks are still
// on disk holds at least as much, until at least as late; the uploads still under way replace the record's bound with
// their exact bytes at their next new chunk. A job's output is held in memory only: its run holds it moments before it
// is stored, and recording it would cost every job a write. The activation stays while it holds any.
using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <content>Holds of uploads under way or abandoned.</content>
internal sealed partial class ClientStorageGrain
{
    private readonly Dictionary<Guid, UploadHold> _holds = [];

    /// <inheritdoc />
    public async Task HoldUploadAsync(Guid uploadId, long bytes, TimeSpan hold, bool enforceQuota, string? blobId)
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

        var until = time.GetUtcNow() + hold;
        if (enforceQuota)
        {
            // A job's output upload (not enforced) was held by its run already, in memory only.
            await RecordHoldAsync(uploadId, bytes, until, hold, blobId);
        }

        _holds[uploadId] = new UploadHold(bytes, until, blobId, Output: false);
        DelayDeactivation(hold);
    }

    /// <summary>Records upload <paramref name="uploadId"/>'s hold in the state when its record no longer covers it:
    /// more bytes than the record's bound, or an end more than half a span past the record's.</summary>
    private async Task RecordHoldAsync(Guid uploadId, long bytes, DateTimeOffset until, TimeSpan hold, string? blobId)
    {
        var records = state.State.Holds;
        records.TryGetValue(uploadId, out var recorded);
        if (recorded is null ? bytes == 0 : bytes <= recorded.Bytes && until <= recorded.LatestEnd)
        {
            if (recorded is not null && blobId is not null)
            {
                recorded.BlobId = blobId; // written with the charge that follows
            }

            return;
        }

        // Twice the bytes held, within the client's limit: an upload of n new chunks writes this some log2(n) times.
        var limit = _options.StoredBytesLimit(ClientId);
        var bound = Math.Max(2 * bytes, recorded?.Bytes ?? 0);
        if (limit > 0)
        {
            bound = Math.Max(bytes, Math.Min(bound, limit));
        }

        var ended = EndedRecords();
        records[uploadId] = new ClientStorageHold { Bytes = bound, Until = until, Span = hold, BlobId = blobId ?? recorded?.BlobId };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            if (recorded is null)
            {
                records.Remove(uploadId);
            }
            else
            {
                records[uploadId] = recorded;
            }

            PutBack(ended);
            throw;
        }
    }

    /// <summary>Takes the records of holds that have run out, or whose blob is charged, out of the state (to be
    /// written), returning them.</summary>
    private List<KeyValuePair<Guid, ClientStorageHold>> EndedRecords()
    {
        var now = time.GetUtcNow();
        return TakeRecords(r => r.LatestEnd <= now || (r.BlobId is { } blob && state.State.Blobs.ContainsKey(blob)));
    }

    /// <summary>Takes the records of the holds of the uploads that brought blob <paramref name="blobId"/> out of the
    /// state (to be written with its charge), returning them.</summary>
    private List<KeyValuePair<Guid, ClientStorageHold>> RecordsOf(string blobId) => TakeRecords(r => r.BlobId == blobId);

    private List<KeyValuePair<Guid, ClientStorageHold>> TakeRecords(Func<ClientStorageHold, bool> taken)
    {
        var records = state.State.Holds;
        var took = new List<KeyValuePair<Guid, ClientStorageHold>>();
        foreach (var record in records)
        {
            if (taken(record.Value))
            {
                took.Add(record);
            }
        }

        foreach (var (id, _) in took)
        {
            records.Remove(id);
        }

        return took;
    }

    /// <summary>Puts records taken out for a write that failed back into the state.</summary>
    private void PutBack(List<KeyValuePair<Guid, ClientStorageHold>> records)
    {
        foreach (var (id, record) in records)
        {
            state.State.Holds[id] = record;
        }
    }

    /// <summary>Holds what the records of the state hold, on activation: each at its bound, until the latest its lost
    /// activation could have held it.</summary>
    private void RestoreRecordedHolds()
    {
        var now = time.GetUtcNow();
        var longest = TimeSpan.Zero;
        foreach (var (id, record) in state.State.Holds)
        {
            var end = record.LatestEnd;
            if (end > now && (record.BlobId is not { } blob || !state.State.Blobs.ContainsKey(blob)))
            {
                _holds[id] = new UploadHold(record.Bytes, end, record.BlobId, Output: false);
                longest = end - now > longest ? end - now : longest;
            }
        }

        if (longest > TimeSpan.Zero)
        {
            DelayDeactivation(longest);
        }
    }

    /// <inheritdoc />
    public Task HoldOutputAsync(string blobId, long size)
    {
        ArgumentNullException.ThrowIfNull(blobId);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var blobs = state.State.Blobs;
        var id = OutputHoldId(blobId);
        if (blobs.ContainsKey(blobId) || (_holds.TryGetValue(id, out var mine) && mine.Until > time.GetUtcNow()))
        {
            return Task.CompletedTask; // owned already, or held for another run that made the same bytes
        }

        var held = HeldBytes(null);
        var limit = _options.StoredBytesLimit(ClientId);
        if (limit > 0 && _storedBytes + held + size > limit)
        {
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"stored bytes: this client stores {_storedBytes:N0} bytes and its uploads and other jobs' outputs hold {held:N0}; this job's output of {size:N0} bytes would pass its limit of {limit:N0}. Delete blobs or deals it no longer needs and submit again");
            log.StorageQuotaRefused(ClientId, blobId, size, reason);
            throw new QuotaExceededException(reason);
        }

        var outputs = HeldOutputs();
        if (blobs.Count + outputs >= _options.MaxBlobsPerClient)
        {
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"blobs: this client owns {blobs.Count:N0} blobs and {outputs:N0} more are held for jobs' outputs, its limit of {_options.MaxBlobsPerClient:N0}; delete blobs it no longer needs and submit again");
            log.StorageQuotaRefused(ClientId, blobId, size, reason);
            throw new QuotaExceededException(reason);
        }

        _holds[id] = new UploadHold(size, time.GetUtcNow() + _options.UploadIdleTimeout, blobId, Output: true);
        DelayDeactivation(_options.UploadIdleTimeout);
        return Task.CompletedTask;
    }

    /// <summary>The key of the hold of output <paramref name="blobId"/>: the same bytes made by two runs hold once.</summary>
    private static Guid OutputHoldId(string blobId) =>
        BlobIds.IsValid(blobId) ? new Guid(Convert.FromHexString(blobId.AsSpan(4, 32))) : throw new ArgumentException($"'{blobId}' is not a blob id", nameof(blobId));

    /// <summary>Jobs' outputs held and not yet charged (holds that ran out are not counted).</summary>
    private int HeldOutputs()
    {
        var now = time.GetUtcNow();
        var count = 0;
        foreach (var hold in _holds.Values)
        {
            if (hold.Output && hold.Until > now)
            {
                count++;
            }
        }

        return count;
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

    private readonly record struct UploadHold(long Bytes, DateTimeOffset Until, string? BlobId, bool Output);
}
