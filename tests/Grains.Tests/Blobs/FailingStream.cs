namespace Marketplace.Grains.Tests.Blobs;

/// <summary>A stream over <c>content</c> whose reads (or writes) throw once <c>failAfter</c> bytes have passed.</summary>
internal sealed class FailingStream(byte[] content, int failAfter) : Stream
{
    private long _passed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _passed;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_passed >= failAfter)
        {
            throw new IOException("source broke");
        }

        var n = (int)Math.Min(Math.Min(buffer.Length, failAfter - _passed), content.Length - _passed);
        content.AsSpan((int)_passed, n).CopyTo(buffer);
        _passed += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _passed += buffer.Length;
        return _passed > failAfter ? throw new IOException("destination broke") : ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
