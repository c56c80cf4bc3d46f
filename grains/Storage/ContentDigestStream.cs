// Design: a deal's bytes are read once, as they stream in; this wrapper hashes them on the way (SHA-256 of the whole,
// and the blob layer's chunk hashes, whose Merkle root is the blob id the blob API knows them by), so neither needs a
// second pass or a copy.
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>A read-only stream over a deal's source that computes its SHA-256 and blob id as it is read.</summary>
internal sealed class ContentDigestStream(Stream source, int blobChunkSize) : Stream
{
    private readonly IncrementalHash _whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _chunk = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<string> _chunkHashes = [];
    private int _inChunk;
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    /// <summary>SHA-256 of every byte read (hex); call once, at the end.</summary>
    public string Sha256() => Convert.ToHexStringLower(_whole.GetHashAndReset());

    /// <summary>The blob id of every byte read; call once, at the end.</summary>
    public string BlobId()
    {
        if (_inChunk > 0 || _chunkHashes.Count == 0)
        {
            _chunkHashes.Add(Convert.ToHexStringLower(_chunk.GetHashAndReset()));
            _inChunk = 0;
        }

        return BlobMerkle.ComputeBlobId(_chunkHashes);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Hash(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = source.Read(buffer, offset, count);
        Hash(buffer.AsSpan(offset, read));
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _whole.Dispose();
            _chunk.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Hash(ReadOnlySpan<byte> bytes)
    {
        _read += bytes.Length;
        _whole.AppendData(bytes);
        while (bytes.Length > 0)
        {
            var take = Math.Min(bytes.Length, blobChunkSize - _inChunk);
            _chunk.AppendData(bytes[..take]);
            _inChunk += take;
            bytes = bytes[take..];
            if (_inChunk == blobChunkSize)
            {
                _chunkHashes.Add(Convert.ToHexStringLower(_chunk.GetHashAndReset()));
                _inChunk = 0;
            }
        }
    }
}
