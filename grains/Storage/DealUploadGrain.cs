// Design: a gateway client cannot send a request body, so it sends the blob in pieces of grain calls, and this grain
// turns them back into the stream the HTTP API hands DealTransfers. BeginAsync places the deal (the deal grain's
// BeginAsync, as POST /v1/deals does) and starts DealTransfers.UploadAsync on the thread pool, reading a Pipe as a
// stream; WriteAsync copies each piece into the pipe and waits for its flush, so when the providers lag the pipe
// pauses the writer at two pieces and the client's next call waits: memory stays bounded by backpressure, not by the
// blob. CompleteAsync closes the pipe, waits for the fragments to be committed and calls the deal grain's
// CompleteAsync. Every wait is bounded by StorageOptions.ProviderTimeout. The upload lives in this activation only:
// losing it drops the providers' partial writes and leaves the deal placing, as an aborted HTTP upload does.
using System.IO.Pipelines;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Storage;

/// <summary>One streamed upload of a deal through grain calls (<see cref="IDealUploadGrain"/>).</summary>
/// <remarks>Collected after two idle minutes rather than the silo's default: an upload its client abandoned gives back
/// the providers' reserved space soon (deactivation drops it).</remarks>
[CollectionAgeLimit(Minutes = 2)]
internal sealed class DealUploadGrain(DealTransfers transfers, IOptions<StorageOptions> options, ILogger<DealUploadGrain> log) : Grain, IDealUploadGrain
{
    /// <summary>Bytes waiting in the pipe at which a write waits for the providers: two of the SDK's 1 MiB pieces.
    /// With the piece being written, the pipe holds at most this plus <see cref="StorageDeals.MaxUploadPieceBytes"/>.</summary>
    internal const int PauseWriterBytes = 2 * 1024 * 1024;

    private const int ResumeWriterBytes = 1024 * 1024;

    private DealUpload? _upload;

    private string DealId => this.GetPrimaryKeyString();

    private TimeSpan Timeout => options.Value.ProviderTimeout;

    public async Task<DealStatus> BeginAsync(string clientId, DurabilityPolicy policy, long maxPricePerGiBMonth, TimeSpan duration, long length)
    {
        // A client's own name for a deal becomes its id through StorageIds.DealIdFor (the SDK does so), so an upload
        // through the gateway cannot reach past that rule to a deal named the same by another client.
        if (!StorageIds.IsDealIdForm(DealId))
        {
            throw new InvalidRequestException($"dealId: '{DealId}' is not a deal id of the silo's form (deal- and 32 hex digits); name the deal through StorageIds.DealIdFor");
        }

        if (_upload is { } previous)
        {
            Owned(previous, clientId);
            await DropAsync(previous, "begun again");
        }

        var status = await GrainFactory.GetGrain<IStorageDealGrain>(DealId).BeginAsync(clientId, policy, maxPricePerGiBMonth, duration, length);
        var pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: PauseWriterBytes,
            resumeWriterThreshold: ResumeWriterBytes,
            minimumSegmentSize: 64 * 1024,
            useSynchronizationContext: false));
        var cancel = new CancellationTokenSource();
        var reading = Task.Run(() => ConsumeAsync(transfers, status, pipe.Reader, length, cancel.Token), CancellationToken.None);
        _upload = new DealUpload(clientId, status, length, pipe, cancel, reading);
        return status;
    }

    public async Task WriteAsync(string clientId, long offset, byte[] piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        var upload = Current(clientId);
        if (piece.Length == 0 || piece.Length > StorageDeals.MaxUploadPieceBytes)
        {
            throw new InvalidRequestException($"piece: {piece.Length} bytes; a piece is 1 to {StorageDeals.MaxUploadPieceBytes} bytes");
        }

        if (offset == upload.LastOffset && piece.Length == upload.LastLength)
        {
            return;
        }

        if (offset != upload.Written)
        {
            throw new InvalidRequestException($"offset: expected {upload.Written}, given {offset}; pieces of deal {DealId} come in order");
        }

        if (offset + piece.Length > upload.Length)
        {
            throw new InvalidRequestException($"piece: {piece.Length} bytes at {offset} pass the {upload.Length} bytes deal {DealId} was begun with");
        }

        await WaitAsync(upload, upload.Reading.IsCompleted ? upload.Reading : upload.Pipe.Writer.WriteAsync(piece).AsTask(), "take a piece");
        upload.LastOffset = offset;
        upload.LastLength = piece.Length;
        upload.Written += piece.Length;
    }

    public async Task<DealStatus> CompleteAsync(string clientId)
    {
        var upload = Current(clientId);
        await upload.Pipe.Writer.CompleteAsync();
        await WaitAsync(upload, upload.Reading, "commit the fragments");
        End(upload);
        var content = await upload.Reading;
        return content is null
            ? upload.Status
            : await GrainFactory.GetGrain<IStorageDealGrain>(DealId).CompleteAsync(clientId, content);
    }

    public async Task AbortAsync(string clientId)
    {
        if (_upload is { } upload)
        {
            Owned(upload, clientId);
            await DropAsync(upload, "aborted by the client");
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_upload is { } upload)
        {
            await DropAsync(upload, $"deactivated: {reason.Description}");
        }
    }

    /// <summary>Reads the pipe to its end into the providers (a placing deal) or through the hash of a stored one
    /// (null: the same bytes), exactly as <see cref="DealTransfers.StoreAsync"/> reads a request body.</summary>
    private static async Task<DealContent?> ConsumeAsync(DealTransfers transfers, DealStatus status, PipeReader reader, long length, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = reader.AsStream(leaveOpen: true);
            if (status.State != DealState.Placing)
            {
                await DealTransfers.SameContentAsync(status, stream, length, cancellationToken);
                return null;
            }

            return await transfers.UploadAsync(status, stream, length, cancellationToken);
        }
        finally
        {
            // The writer sees the reader gone and stops waiting for room.
            await reader.CompleteAsync();
        }
    }

    /// <summary>Waits for <paramref name="step"/>, or for the upload to end first with its failure, at most
    /// <see cref="StorageOptions.ProviderTimeout"/>. A failure or a timeout ends the upload.</summary>
    private async Task WaitAsync(DealUpload upload, Task step, string what)
    {
        try
        {
            await Task.WhenAny(step, upload.Reading).WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            await DropAsync(upload, $"the providers did not {what} within {Timeout}");
            throw new StorageUnavailableException($"deal {DealId}: the providers did not {what} within {Timeout}; the upload was dropped");
        }

        if (upload.Reading.IsCompleted && !upload.Reading.IsCompletedSuccessfully)
        {
            End(upload);
            await upload.Reading;
        }

        await step;
    }

    private DealUpload Current(string clientId)
    {
        var upload = _upload ?? throw new InvalidRequestException($"dealId: no upload of deal {DealId} is under way; begin it again");
        Owned(upload, clientId);
        return upload;
    }

    private void Owned(DealUpload upload, string clientId)
    {
        if (upload.ClientId != clientId)
        {
            throw new DealNotFoundException($"no storage deal {DealId}");
        }
    }

    private void End(DealUpload upload)
    {
        if (ReferenceEquals(_upload, upload))
        {
            _upload = null;
        }

        upload.Cancel.Dispose();
    }

    /// <summary>Stops the upload and waits (at most the provider timeout) for the providers' partial writes to be
    /// dropped, which <see cref="DealTransfers.UploadAsync"/> does when its source fails.</summary>
    private async Task DropAsync(DealUpload upload, string reason)
    {
        StorageLog.UploadDropped(log, DealId, reason);
        await upload.Cancel.CancelAsync();
        upload.Pipe.Writer.CancelPendingFlush();
        await upload.Pipe.Writer.CompleteAsync(new OperationCanceledException($"the upload of deal {DealId} was dropped: {reason}"));
        try
        {
            await upload.Reading.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).WaitAsync(Timeout);
        }
        catch (TimeoutException e)
        {
            StorageLog.UploadCleanupFailed(log, DealId, e);
        }

        End(upload);
    }

    /// <summary>The upload under way: who began it, for how many bytes, and how far it got.</summary>
    private sealed class DealUpload(string clientId, DealStatus status, long length, Pipe pipe, CancellationTokenSource cancel, Task<DealContent?> reading)
    {
        public string ClientId { get; } = clientId;

        public DealStatus Status { get; } = status;

        public long Length { get; } = length;

        public Pipe Pipe { get; } = pipe;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task<DealContent?> Reading { get; } = reading;

        public long Written { get; set; }

        public long LastOffset { get; set; } = -1;

        public int LastLength { get; set; }
    }
}
