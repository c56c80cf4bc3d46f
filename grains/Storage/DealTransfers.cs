// Design: a deal's bytes stream through the silo, never whole in memory. Storing: the deal grain places the fragments
// and records the placement (BeginAsync); the bytes are then read once, hashed on the way (ContentDigestStream),
// encoded stripe by stripe (BlobEncoder) and written to the providers in pieces (ProviderFragmentStream), and the deal
// grain records the digests the encoder produced (CompleteAsync) and goes active. Reading: DealReader decodes the
// stripes a range covers from the first k fragments that verify. The HTTP API, the deal grain (for bytes it is handed
// in memory) and benchmarks all go through this one service.
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Marketplace.Storage.ReedSolomon;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Storage;

/// <summary>Streams deals' bytes in and out: <see cref="StoreAsync"/> and <see cref="ReadAsync"/>. A singleton of the
/// silo's services (<c>AddMarketplaceStorage</c>).</summary>
public sealed class DealTransfers
{
    private readonly IGrainFactory _grains;
    private readonly IOptions<StorageOptions> _options;
    private readonly IOptions<BlobOptions> _blobOptions;
    private readonly ILogger<DealTransfers> _log;

    /// <summary>Creates the service.</summary>
    public DealTransfers(IGrainFactory grains, IOptions<StorageOptions> options, IOptions<BlobOptions> blobOptions, StorageBufferMeter meter, ILogger<DealTransfers> log)
    {
        _grains = grains;
        _options = options;
        _blobOptions = blobOptions;
        Meter = meter;
        _log = log;
    }

    /// <summary>What the transfers hold in their buffers.</summary>
    public StorageBufferMeter Meter { get; }

    /// <summary>
    /// Stores <paramref name="length"/> bytes read from <paramref name="content"/> as deal <paramref name="dealId"/>
    /// of <paramref name="clientId"/>. A deal of this client already stored under the id is returned when the bytes
    /// are the same (they are read and hashed, not stored again).
    /// </summary>
    /// <exception cref="InvalidRequestException">Bad input, other bytes under a used id, or a source shorter than
    /// <paramref name="length"/>.</exception>
    /// <exception cref="DealNotPlacedException">Too few eligible providers.</exception>
    public async Task<DealStatus> StoreAsync(string clientId, string dealId, DurabilityPolicy policy, long maxPricePerGiBMonth, TimeSpan duration, Stream content, long length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!StorageIds.IsValid(dealId))
        {
            throw new InvalidRequestException($"deal_id: '{dealId}' is not a deal id");
        }

        var deal = _grains.GetGrain<IStorageDealGrain>(dealId);
        var status = await deal.BeginAsync(clientId, policy, maxPricePerGiBMonth, duration, length);
        if (status.State != DealState.Placing)
        {
            return await SameContentAsync(status, content, length, cancellationToken);
        }

        var stored = await UploadAsync(status, content, length, cancellationToken);
        return await deal.CompleteAsync(clientId, stored);
    }

    /// <summary>Writes bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of a
    /// stored deal to <paramref name="destination"/>, stripe by stripe, each chunk verified.</summary>
    /// <exception cref="InvalidRequestException">A range outside the blob.</exception>
    /// <exception cref="StorageUnavailableException">Fewer than k fragments verify.</exception>
    public Task ReadAsync(DealStatus status, long offset, long length, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(destination);
        if (status.Fragments.Count == 0 || status.Fragments[0].MerkleRoot.Length == 0)
        {
            throw new StorageUnavailableException($"deal {status.DealId} is still being stored");
        }

        if (offset < 0 || length < 0 || offset + length > status.Length)
        {
            throw new InvalidRequestException($"range: {length} bytes from {offset} lie outside the blob's {status.Length} bytes");
        }

        return new DealReader(_grains, status, _options.Value, Meter).ReadAsync(offset, length, destination, cancellationToken);
    }

    /// <summary>The bytes per fragment piece of one call: <see cref="StorageOptions.TransferBufferBytes"/> over
    /// 3 (k + m), in whole chunks, at least one chunk and at most the provider's largest piece. An upload holds two
    /// pieces per fragment and one stripe, a read k pieces and one stripe of scratch, so both stay within the budget
    /// once it is at least 3 (k + m) chunks.</summary>
    internal static int PieceBytes(StorageOptions options, DealStatus status)
    {
        var chunk = status.ChunkSize;
        var share = options.TransferBufferBytes / (3L * status.Policy.TotalFragments);
        var chunks = Math.Clamp(share / chunk, 1, Math.Min(status.ChunkCount, StorageProviderGrain.MaxPieceBytes / chunk));
        return (int)(chunks * chunk);
    }

    /// <summary>Encodes <paramref name="length"/> bytes of <paramref name="content"/> onto the placed deal's providers
    /// and returns the digests; on failure the providers' partial writes are dropped.</summary>
    internal async Task<DealContent> UploadAsync(DealStatus placed, Stream content, long length, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var encoder = new BlobEncoder(placed.Policy.DataFragments, placed.Policy.ParityFragments);
        var (chunkSize, chunkCount) = encoder.LayoutOf(length);
        if (chunkSize != placed.ChunkSize || chunkCount != placed.ChunkCount || length != placed.Length)
        {
            throw new InvalidRequestException($"deal {placed.DealId} was placed for {placed.Length} bytes; {length} were sent");
        }

        var pieceBytes = PieceBytes(options, placed);
        var fragmentLength = (long)chunkSize * chunkCount;
        var streams = placed.Fragments.Select(f => new ProviderFragmentStream(
            _grains.GetGrain<IStorageProviderGrain>(f.ProviderId), placed.DealId, f.Index, pieceBytes, Meter)).ToList();
        var stripeBytes = (long)placed.Policy.TotalFragments * chunkSize;
        Meter.Take(stripeBytes);
        using var digest = new ContentDigestStream(content, _blobOptions.Value.ChunkSize);
        try
        {
            await Task.WhenAll(streams.Select(s => s.BeginAsync(fragmentLength, chunkSize)));
            var manifest = await encoder.EncodeAsync(digest, length, streams, cancellationToken);
            await Task.WhenAll(streams.Select(s => s.CompleteAsync()));
            var stored = new DealContent { ContentSha256 = digest.Sha256(), BlobId = digest.BlobId() };
            foreach (var fragment in manifest.Fragments)
            {
                stored.FragmentSha256.Add(Convert.ToHexStringLower(fragment.Sha256.Span));
                stored.FragmentMerkleRoots.Add(Convert.ToHexStringLower(fragment.MerkleRoot.Span));
            }

            return stored;
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            await AbortAsync(placed.DealId, streams);
            if (failure is ErasureCodingException { Error: ErasureCodingError.SourceTruncated })
            {
                throw new InvalidRequestException($"content: the body ended before the {length} bytes it declared");
            }

            throw;
        }
        finally
        {
            Meter.Release(stripeBytes);
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    /// <summary>Reads the source through and returns the stored deal when its SHA-256 is the deal's.</summary>
    internal static async Task<DealStatus> SameContentAsync(DealStatus existing, Stream content, long length, CancellationToken cancellationToken)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        if (total != length || Convert.ToHexStringLower(hash.GetHashAndReset()) != existing.ContentSha256)
        {
            throw new InvalidRequestException($"dealId: deal {existing.DealId} already stores other content");
        }

        return existing;
    }

    private async Task AbortAsync(string dealId, List<ProviderFragmentStream> streams)
    {
        foreach (var stream in streams)
        {
            try
            {
                await stream.AbortAsync();
            }
            catch (Exception e) when (e is MarketplaceException or OrleansException or TimeoutException)
            {
                StorageLog.UploadCleanupFailed(_log, dealId, e);
            }
        }
    }
}
