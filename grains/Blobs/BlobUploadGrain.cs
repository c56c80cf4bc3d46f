// One upload in progress. Bytes arrive in pieces; full chunks go to the chunk store (IChunkStore) at once (a chunk lying whole inside
// a piece is written straight from the piece, never copied), and only the tail that does not fill a chunk is kept, in
// one pooled buffer of ChunkSize bytes. So an upload holds at most one partial chunk plus the piece being appended.
// State is in memory only (an upload is short-lived; a restart loses it and the client uploads again); a grain timer
// aborts the upload after UploadIdleTimeout without calls, and the activation deactivates once the upload is over.
using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Blobs;

/// <summary>The grain of one upload (<see cref="IBlobUploadGrain"/>), keyed by a Guid the uploader picks.</summary>
[GrainType("blob-upload")]
internal sealed class BlobUploadGrain(IChunkStore store, IOptions<BlobOptions> options, BlobLog log) : Grain, IBlobUploadGrain
{
    private readonly BlobOptions _options = options.Value;
    private readonly List<ChunkRef> _chunks = [];

    /// <summary>The key of this upload's hold: fresh for each activation, so an upload id begun again (the uploader
    /// picks it) starts a hold of its own and never shrinks the one its abandoned chunks still need.</summary>
    private readonly Guid _holdId = Guid.NewGuid();

    /// <summary>The SHA-256 of the bytes chunked so far, in order: the manifest's content hash.</summary>
    private readonly IncrementalHash _content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[]? _partial;
    private int _partialLength;
    private long _size;
    private long _chunkedBytes;
    private UploadState _state;
    private string _endReason = "";
    private BlobManifest? _completed;
    private long _lastCallTimestamp;
    private long _startedTimestamp;
    private BlobCaller? _uploader;
    private long _newBytes;

    private enum UploadState
    {
        Open,
        Completed,
        Aborted,
    }

    private Guid UploadId => this.GetPrimaryKey();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _startedTimestamp = Stopwatch.GetTimestamp();
        Touch();
        var timeout = _options.UploadIdleTimeout;
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(30).Ticks));
        this.RegisterGrainTimer(CheckIdleAsync, period, period);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_state == UploadState.Open && _size > 0)
        {
            log.UploadLostAtDeactivation(UploadId, _size);
        }

        ReleaseBuffer();
        _content.Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task BeginAsync(BlobCaller uploader)
    {
        Touch();
        ArgumentNullException.ThrowIfNull(uploader);
        RequireOpen();
        if (_uploader is null)
        {
            _uploader = uploader;
        }
        else if (_uploader.ClientId != uploader.ClientId || _uploader.FullAccess != uploader.FullAccess)
        {
            throw new InvalidRequestException($"Upload {UploadId} was begun by another uploader.");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task AppendAsync(byte[] data)
    {
        Touch();
        RequireOpen();
        return AppendCoreAsync(data);
    }

    /// <inheritdoc />
    public Task AppendAtAsync(long offset, byte[] data)
    {
        Touch();
        RequireOpen();
        if (offset != _size)
        {
            throw new InvalidRequestException(
                $"Upload {UploadId} has received {_size} bytes, so the next piece must start at offset {_size}, not {offset}" +
                (_size == 0 ? " (the upload is unknown here: it completed, was aborted after sitting idle, or was lost in a silo restart)." : "."));
        }

        return AppendCoreAsync(data);
    }

    /// <inheritdoc />
    public async Task<BlobManifest> CompleteAsync(string? mediaType, BlobCaller owner)
    {
        Touch();
        ArgumentNullException.ThrowIfNull(owner);
        if (_state == UploadState.Completed && _completed is not null)
        {
            return _completed;
        }

        RequireOpen();
        RequireBegun();
        if (_uploader is { FullAccess: false } uploader && uploader.ClientId != owner.ClientId)
        {
            throw new InvalidRequestException($"Upload {UploadId} was begun by another uploader than the owner it completes for.");
        }

        var type = BlobMediaType.Normalize(mediaType);
        if (_size == 0)
        {
            End(UploadState.Aborted, "it was completed without any bytes", deactivate: false);
            throw new BlobEmptyException($"Upload {UploadId} ended without a single byte: empty blobs are not stored.");
        }

        try
        {
            if (_partialLength > 0)
            {
                await WriteChunkAsync(_partial.AsMemory(0, _partialLength));
                _partialLength = 0;
            }

            var hashes = new List<string>(_chunks.Count);
            foreach (var chunk in _chunks)
            {
                hashes.Add(chunk.Hash);
            }

            RequireWithinDuration();
            var id = BlobMerkle.ComputeBlobId(hashes);
            var candidate = new BlobManifest
            {
                Id = id,
                Size = _size,
                MediaType = type,
                Chunks = _chunks,
                CreatedAt = DateTimeOffset.UtcNow,
                ContentSha256 = Convert.ToHexStringLower(_content.GetCurrentHash()),
            };
            await HoldAsync(_newBytes, id);
            _completed = await GrainFactory.GetGrain<IBlobRegistryGrain>(id).RegisterAsync(candidate, owner);
        }
        catch (Exception e) when (e is BlobStoreException or BlobAccessListFullException or QuotaExceededException)
        {
            End(UploadState.Aborted, e.Message, deactivate: false);
            throw;
        }

        End(UploadState.Completed, $"it completed as {_completed.Id}");
        return _completed;
    }

    /// <inheritdoc />
    public Task AbortAsync()
    {
        Touch();
        if (_state == UploadState.Open)
        {
            End(UploadState.Aborted, "the uploader aborted it");
        }
        else
        {
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    private async Task AppendCoreAsync(byte[] data)
    {
        if (data is null)
        {
            throw new InvalidRequestException("data is required.");
        }

        if (data.Length > BlobLimits.MaxAppendBytes)
        {
            throw new InvalidRequestException($"A piece of {data.Length} bytes is larger than {BlobLimits.MaxAppendBytes} bytes; split it.");
        }

        RequireBegun();
        if (data.Length == 0)
        {
            return;
        }

        if (_size + data.Length > _options.MaxBlobBytes)
        {
            var reason = $"it went past the blob size limit of {_options.MaxBlobBytes} bytes ({_size + data.Length} bytes sent)";
            End(UploadState.Aborted, reason, deactivate: false);
            throw new BlobTooLargeException($"Upload {UploadId} was aborted: {reason}.");
        }

        var chunkSize = _options.ChunkSize;
        var input = data.AsMemory();
        try
        {
            if (_partialLength > 0)
            {
                var take = Math.Min(chunkSize - _partialLength, input.Length);
                input[..take].CopyTo(_partial.AsMemory(_partialLength));
                _partialLength += take;
                input = input[take..];
                if (_partialLength == chunkSize)
                {
                    await WriteChunkAsync(_partial.AsMemory(0, chunkSize));
                    _partialLength = 0;
                }
            }

            while (input.Length >= chunkSize)
            {
                await WriteChunkAsync(input[..chunkSize]);
                input = input[chunkSize..];
            }

            if (input.Length > 0)
            {
                _partial ??= ArrayPool<byte>.Shared.Rent(chunkSize);
                input.CopyTo(_partial.AsMemory(_partialLength));
                _partialLength += input.Length;
            }
        }
        catch (Exception e) when (e is BlobStoreException or QuotaExceededException)
        {
            End(UploadState.Aborted, e.Message, deactivate: false);
            throw;
        }

        _size += data.Length;
    }

    private async Task WriteChunkAsync(ReadOnlyMemory<byte> bytes)
    {
        RequireWithinDuration();
        if (Holding && !await store.ContainsAsync(Convert.ToHexStringLower(SHA256.HashData(bytes.Span)), bytes.Length))
        {
            // A chunk the store does not have takes new space: held before it is written, refused past the quota.
            await HoldAsync(_newBytes + bytes.Length, null);
            _newBytes += bytes.Length;
        }

        var hash = await store.WriteAsync(bytes);
        _chunks.Add(new ChunkRef { Hash = hash, Offset = _chunkedBytes, Size = bytes.Length });
        _chunkedBytes += bytes.Length;
        _content.AppendData(bytes.Span);
    }

    /// <summary>True when this upload's new bytes are held for a client (see <see cref="IBlobUploadGrain.BeginAsync"/>);
    /// the silo's authority holds nothing.</summary>
    private bool Holding => _uploader is { ClientId: not null, FullAccess: false };

    /// <summary>Holds <paramref name="bytes"/> of the uploader's stored bytes for this upload, the chunks it wrote that
    /// the store did not have (bytes it already had take no new space, such as a blob the client uploads again): long
    /// enough to outlast the upload's idle timeout and then the grace after which those chunks may be collected,
    /// renewed with every new chunk. A job's output is held past the quota, as it is charged: its run held room for it
    /// in the client's ledger before it committed.</summary>
    private async Task HoldAsync(long bytes, string? blobId)
    {
        if (_uploader is not { ClientId: { } client, FullAccess: false } uploader)
        {
            return;
        }

        var hold = _options.UploadIdleTimeout + _options.UnreferencedChunkGrace;
        await GrainFactory.GetGrain<IClientStorageLedgerGrain>(client).HoldUploadAsync(_holdId, bytes, hold, !uploader.JobOutput, blobId);
    }

    private void RequireBegun()
    {
        if (_uploader is null)
        {
            throw new InvalidRequestException($"Upload {UploadId} was not begun: call BeginAsync with the uploader before the first piece.");
        }
    }

    /// <summary>An upload past <see cref="BlobOptions.MaxUploadDuration"/> is aborted: its chunks could otherwise be
    /// older than the grace after which unreferenced chunks are collected by the time its blob references them.</summary>
    private void RequireWithinDuration()
    {
        if (Stopwatch.GetElapsedTime(_startedTimestamp) > _options.MaxUploadDuration)
        {
            var reason = $"it took longer than the {_options.MaxUploadDuration} an upload may take";
            End(UploadState.Aborted, reason, deactivate: false);
            throw new InvalidRequestException($"Upload {UploadId} was aborted: {reason}. Upload again, faster or in smaller blobs.");
        }
    }

    private Task CheckIdleAsync(CancellationToken cancellationToken)
    {
        if (_state == UploadState.Open && Stopwatch.GetElapsedTime(_startedTimestamp) > _options.MaxUploadDuration)
        {
            End(UploadState.Aborted, $"it took longer than the {_options.MaxUploadDuration} an upload may take");
            return Task.CompletedTask;
        }

        if (Stopwatch.GetElapsedTime(_lastCallTimestamp) >= _options.UploadIdleTimeout)
        {
            if (_state == UploadState.Open)
            {
                End(UploadState.Aborted, $"no call for {_options.UploadIdleTimeout}");
            }
            else
            {
                DeactivateOnIdle();
            }
        }

        return Task.CompletedTask;
    }

    private void Touch()
    {
        _lastCallTimestamp = Stopwatch.GetTimestamp();

        // Keep the activation (and its in-memory upload) at least until the idle timer can judge it.
        DelayDeactivation(_options.UploadIdleTimeout + TimeSpan.FromMinutes(1));
    }

    private void RequireOpen()
    {
        if (_state != UploadState.Open)
        {
            throw new InvalidRequestException($"Upload {UploadId} is over: {_endReason}.");
        }
    }

    /// <summary>Ends the upload and frees its buffer. With <paramref name="deactivate"/> false the activation stays
    /// until the idle timer removes it, so a late call hears <paramref name="reason"/>.</summary>
    private void End(UploadState state, string reason, bool deactivate = true)
    {
        _state = state;
        _endReason = reason;
        ReleaseBuffer();
        if (state == UploadState.Aborted)
        {
            log.UploadAborted(UploadId, reason);
        }

        if (deactivate)
        {
            DeactivateOnIdle();
        }
    }

    private void ReleaseBuffer()
    {
        if (_partial is not null)
        {
            ArrayPool<byte>.Shared.Return(_partial);
            _partial = null;
        }

        _partialLength = 0;
    }
}
