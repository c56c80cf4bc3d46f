using System.Security.Cryptography;

namespace Marketplace.Storage.Tests;

/// <summary>A readable, seekable fragment whose byte at <c>changeAt</c> reads flipped from its second read on.</summary>
internal sealed class ChangingStream(byte[] content, long changeAt) : MemoryStream(content, writable: false)
{
    private int _readsOfTheByte;

    // MemoryStream's span and async reads of a derived type come here.
    public override int Read(byte[] buffer, int offset, int count)
    {
        var start = Position;
        var read = base.Read(buffer, offset, count);
        if (changeAt >= start && changeAt < start + read && ++_readsOfTheByte > 1)
        {
            buffer[offset + (int)(changeAt - start)] ^= 0x80;
        }

        return read;
    }
}

/// <summary>A read-only source of <c>length</c> bytes computed from their position: a large blob without the memory.</summary>
internal sealed class PatternStream(long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < count; i++)
        {
            var p = _position + i;
            buffer[i] = (byte)((p * 2_654_435_761L) >> 13);
        }

        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A write-only sink that keeps only the SHA-256 and the length of what it was given.</summary>
internal sealed class HashingSink : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public byte[] Digest() => _hash.GetCurrentHash();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        _length += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
