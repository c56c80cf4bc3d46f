// Design: one grain per client keeps the ledger of the blobs charged to it (blob id → size) and the total. The blob
// grains are the source of truth for ownership and call here, never the other way (no call cycle between the two):
// a blob grain charges the client before it writes the client into its owners and releases it after it wrote the
// client out. Charges and releases are idempotent by blob id, so a retried upload or delete cannot count a blob twice
// or take it off twice. A failure between the two writes leaves a charge without ownership (never ownership without
// a charge), which the client's next upload of the same bytes (it becomes the owner at no cost) or delete of the blob
// (a non-owner's delete releases any charge) puts right. The grain is not reentrant: concurrent uploads charge one
// after the other, so together they cannot pass the quota.
using System.Globalization;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Blobs;

/// <summary>The stored bytes of one client (<see cref="IClientStorageGrain"/>, <see cref="IClientStorageLedgerGrain"/>),
/// keyed by its client id.</summary>
[GrainType("client-storage")]
internal sealed partial class ClientStorageGrain(
    [PersistentState("client-storage")] IPersistentState<ClientStorageState> state,
    IOptions<BlobOptions> options,
    BlobLog log,
    [FromKeyedServices(BlobOptions.ClockKey)] TimeProvider time) : Grain, IClientStorageGrain, IClientStorageLedgerGrain
{
    private readonly BlobOptions _options = options.Value;
    private long _storedBytes;

    private string ClientId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var size in state.State.Blobs.Values)
        {
            _storedBytes += size;
        }

        RestoreRecordedHolds();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ClientStorage> GetAsync() => Task.FromResult(new ClientStorage
    {
        ClientId = ClientId,
        StoredBytes = _storedBytes,
        MaxStoredBytes = _options.StoredBytesLimit(ClientId),
        BlobCount = state.State.Blobs.Count,
        MaxBlobs = _options.MaxBlobsPerClient,
        UploadBytes = HeldBytes(null),
    });

    /// <inheritdoc />
    public Task<long> CheckUploadAsync(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var limit = _options.StoredBytesLimit(ClientId);
        if (limit == 0)
        {
            return Task.FromResult(long.MaxValue);
        }

        // Bytes the client owns already are free to upload again, and they are at most its largest blob.
        long largest = 0;
        foreach (var size in state.State.Blobs.Values)
        {
            largest = Math.Max(largest, size);
        }

        var room = Math.Max(limit - _storedBytes - HeldBytes(null), largest);
        if (bytes > room)
        {
            throw new QuotaExceededException(string.Create(CultureInfo.InvariantCulture,
                $"stored bytes: this client stores {_storedBytes:N0} bytes of its limit of {limit:N0}, and its uploads hold {HeldBytes(null):N0}; an upload of {bytes:N0} bytes (so far) does not fit. Delete blobs it no longer needs and upload again"));
        }

        return Task.FromResult(room);
    }

    /// <summary>How a charged id reads in a refusal: a storage deal's (<c>deal:{id}</c>) or a blob's.</summary>
    private static string Described(string id) =>
        id.StartsWith("deal:", StringComparison.Ordinal) ? "storage deal " + id[5..] : "blob " + id;

    /// <inheritdoc />
    public async Task ChargeAsync(string blobId, long size, bool enforceQuota)
    {
        ArgumentNullException.ThrowIfNull(blobId);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var blobs = state.State.Blobs;
        if (blobs.ContainsKey(blobId))
        {
            DropHoldsOf(blobId);
            return; // charged already: the same blob counts once
        }

        if (enforceQuota)
        {
            // The upload that brings this blob holds its bytes already: the charge takes its hold over.
            var held = HeldBytes(blobId);
            var limit = _options.StoredBytesLimit(ClientId);
            if (limit > 0 && _storedBytes + held + size > limit)
            {
                var reason = string.Create(CultureInfo.InvariantCulture,
                    $"stored bytes: this client stores {_storedBytes:N0} bytes and its uploads hold {held:N0}; {Described(blobId)} of {size:N0} bytes would pass its limit of {limit:N0}. Delete blobs or deals it no longer needs and upload again");
                log.StorageQuotaRefused(ClientId, blobId, size, reason);
                throw new QuotaExceededException(reason);
            }

            if (blobs.Count >= _options.MaxBlobsPerClient)
            {
                var reason = string.Create(CultureInfo.InvariantCulture,
                    $"blobs: this client owns {blobs.Count:N0} blobs, its limit; delete blobs it no longer needs and upload again");
                log.StorageQuotaRefused(ClientId, blobId, size, reason);
                throw new QuotaExceededException(reason);
            }
        }

        blobs[blobId] = size;
        _storedBytes += size;
        var taken = RecordsOf(blobId);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            blobs.Remove(blobId);
            _storedBytes -= size;
            PutBack(taken);
            throw;
        }

        DropHoldsOf(blobId);
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string blobId)
    {
        ArgumentNullException.ThrowIfNull(blobId);
        var blobs = state.State.Blobs;
        if (!blobs.Remove(blobId, out var size))
        {
            return;
        }

        _storedBytes -= size;
        var ended = EndedRecords();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            blobs[blobId] = size;
            _storedBytes += size;
            PutBack(ended);
            throw;
        }
    }
}
