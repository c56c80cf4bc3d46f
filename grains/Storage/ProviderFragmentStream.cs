// Design: the encoder writes one chunk per fragment per stripe; this stream gathers them into pieces of whole chunks and
// sends each piece to the fragment's provider while the next one fills, so an upload holds two pieces per fragment
// whatever the blob's size, and the providers write in parallel with the encoder. The piece is passed to the provider
// by reference (it is [Immutable] in the grain call), so a buffer is reused only after its call has returned.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>A write-only stream of one fragment to its provider, in pieces (<see cref="IStorageProviderGrain.WriteFragmentAsync"/>).</summary>
internal sealed class ProviderFragmentStream : Stream
{
    private readonly IStorageProviderGrain _provider;
    private readonly string _dealId;
    private readonly int _index;
    private readonly StorageBufferMeter _meter;
    private byte[] _buffer;
    private byte[] _spare;
    private int _filled;
    private long _sent;
    private Task _inFlight = Task.CompletedTask;
    private bool _released;

    public ProviderFragmentStream(IStorageProviderGrain provider, string dealId, int index, int pieceBytes, StorageBufferMeter meter)
    {
        _provider = provider;
        _dealId = dealId;
        _index = index;
        _meter = meter;
        _buffer = new byte[pieceBytes];
        _spare = new byte[pieceBytes];
        meter.Take(2L * pieceBytes);
    }

    /// <summary>The fragment's index.</summary>
    public int Index => _index;

    /// <summary>The provider receiving it.</summary>
    public IStorageProviderGrain Provider => _provider;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _sent + _filled;
        set => throw new NotSupportedException();
    }

    /// <summary>Starts the fragment's write at its provider (reserving its length).</summary>
    public Task BeginAsync(long length, int chunkSize) => _provider.BeginFragmentAsync(_dealId, _index, length, chunkSize);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0)
        {
            var take = Math.Min(buffer.Length, _buffer.Length - _filled);
            buffer[..take].CopyTo(_buffer.AsMemory(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _buffer.Length)
            {
                await SendAsync();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous writes only");

    /// <summary>Sends what is left and commits the fragment at its provider.</summary>
    public async Task CompleteAsync()
    {
        await SendAsync();
        await _inFlight;
        await _provider.CommitFragmentAsync(_dealId, _index);
    }

    /// <summary>Drops the fragment's write at its provider.</summary>
    public async Task AbortAsync()
    {
        await _inFlight.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        await _provider.AbortFragmentAsync(_dealId, _index);
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_released)
        {
            _released = true;
            _meter.Release(2L * _buffer.Length);
        }

        base.Dispose(disposing);
    }

    private async Task SendAsync()
    {
        if (_filled == 0)
        {
            return;
        }

        // One piece in flight: wait for the previous call before its buffer is filled again.
        await _inFlight;
        var piece = _filled == _buffer.Length ? _buffer : _buffer[.._filled];
        _inFlight = _provider.WriteFragmentAsync(_dealId, _index, _sent, piece);
        _sent += _filled;
        _filled = 0;
        (_buffer, _spare) = (_spare, _buffer);
    }
}
