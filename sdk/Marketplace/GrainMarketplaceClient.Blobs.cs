// Design: blob transfers go through BlobTransfer (grain-interfaces/Blobs), the one implementation the HTTP API uses
// too: uploads stream in 1 MiB pieces and abort the upload grain on any failure; downloads read chunk by chunk and
// check the manifest against the id and every chunk against its SHA-256 on this side as well. Every call names this
// client's BlobCaller, so the blob grain applies the access rules the HTTP API applies to the same client; access changes
// to a blob stored as one of this client's deals go to the deal (DealBlobs.ChangeAccessAsync), as over HTTP.
using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <content>Blob operations and the client's stored bytes.</content>
public sealed partial class GrainMarketplaceClient
{
    /// <inheritdoc />
    public Task<BlobManifest> UploadBlobAsync(Stream content, string? mediaType = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        BlobTransfer.UploadAsync(_grains, _caller, content, mediaType, progress, cancellationToken);

    /// <inheritdoc />
    public async Task<BlobManifest> GetBlobManifestAsync(string blobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var manifest = await Blob(blobId).GetManifestAsync(_caller).WaitAsync(cancellationToken).ConfigureAwait(false);
        return manifest ?? throw new BlobNotFoundException($"Blob {blobId} is not stored.");
    }

    /// <inheritdoc />
    public Task DownloadBlobAsync(string blobId, Stream destination, long offset = 0, long? length = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        BlobTransfer.DownloadAsync(_grains, _caller, blobId, destination, offset, length, progress, cancellationToken);

    /// <inheritdoc />
    public async Task<ChunkProof> GetChunkProofAsync(string blobId, int index, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Blob(blobId).GetChunkProofAsync(_caller, index).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BlobAccessList> GetBlobAccessAsync(string blobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await DealBlobs.ChangeAccessAsync(_grains, _caller, blobId, (b, c) => b.GetAccessAsync(c), (d, client) => d.GetAccessAsync(client)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BlobAccessList> ShareBlobAsync(string blobId, string clientId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var grantee = ClientIds.Require(clientId, "client id");
        return await DealBlobs.ChangeAccessAsync(_grains, _caller, blobId, (b, c) => b.ShareAsync(c, grantee), (d, client) => d.ShareAsync(client, grantee)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BlobAccessList> UnshareBlobAsync(string blobId, string clientId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var grantee = ClientIds.Require(clientId, "client id");
        return await DealBlobs.ChangeAccessAsync(_grains, _caller, blobId, (b, c) => b.UnshareAsync(c, grantee), (d, client) => d.UnshareAsync(client, grantee)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BlobAccessList> PublishBlobAsync(string blobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await DealBlobs.ChangeAccessAsync(_grains, _caller, blobId, (b, c) => b.PublishAsync(c), (d, client) => d.SetPublicAsync(client, true)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BlobAccessList> UnpublishBlobAsync(string blobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await DealBlobs.ChangeAccessAsync(_grains, _caller, blobId, (b, c) => b.UnpublishAsync(c), (d, client) => d.SetPublicAsync(client, false)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteBlobAsync(string blobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Blob(blobId).DeleteAsync(_caller).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ClientStorage> GetStorageAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await _grains.GetGrain<IClientStorageGrain>(ClientId).GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private IBlobGrain Blob(string blobId)
    {
        if (!BlobIds.TryNormalize(blobId, out var id))
        {
            throw new InvalidRequestException($"blob id: '{blobId}' is not a blob id (blob + 64 hex).");
        }

        return _grains.GetGrain<IBlobGrain>(id);
    }
}
