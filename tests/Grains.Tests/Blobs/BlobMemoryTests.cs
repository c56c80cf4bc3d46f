using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>
/// Uploads never hold the content: the test measures, at every read of the source, how many bytes have left the
/// source but are not yet in the chunk store (<see cref="FileChunkStore.BytesAccepted"/>). Those bytes are all the content
/// the upload path can be holding anywhere (BlobTransfer's piece, the call in flight, the upload grain's partial
/// chunk); buffering the whole content would make the figure grow with the upload instead of staying under two chunks.
/// </summary>
public sealed class BlobMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A64MiBUploadHoldsAtMostTwoChunksInFlight()
    {
        const long size = 64L * MiB;
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var store = silo.Services.GetRequiredService<FileChunkStore>();
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        using var source = new GeneratedStream(seed, size, () => store.BytesAccepted);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var manifest = await BlobTransfer.UploadAsync(silo.Grains, BlobCaller.Silo, source, null, null, CancellationToken.None);
        output.WriteLine($"upload: {size / (double)MiB / clock.Elapsed.TotalSeconds:F0} MiB/s (in-silo, chunk files written through)");

        output.WriteLine($"peak bytes read from the source but not yet in the chunk store: {source.PeakInFlight} ({source.PeakInFlight / (double)MiB:F2} MiB) over {source.Reads} reads");
        Assert.Equal(size, manifest.Size);
        Assert.Equal(64, manifest.Chunks.Count);
        Assert.True(source.Reads >= 64, "the source was read in pieces");
        Assert.InRange(source.PeakInFlight, 1, 2 * MiB);

        // The content arrived intact: hash the download as it streams by.
        using var check = new HashingStream();
        clock.Restart();
        await BlobTransfer.DownloadAsync(silo.Grains, BlobCaller.Silo, manifest.Id, check, 0, null, null, CancellationToken.None);
        output.WriteLine($"download: {size / (double)MiB / clock.Elapsed.TotalSeconds:F0} MiB/s (in-silo, verified on silo and client)");
        Assert.Equal(size, check.Length);
        Assert.Equal(source.Sha256(), check.Sha256());
    }

    /// <summary>Deterministic pseudo-random bytes produced on demand (never held whole), not seekable.</summary>
    private sealed class GeneratedStream(int seed, long length, Func<long> accepted) : Stream
    {
        private readonly Random _random = new(seed);
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        public long PeakInFlight { get; private set; }

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public byte[] Sha256() => _hash.GetCurrentHash();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            _random.NextBytes(buffer[..n]);
            _hash.AppendData(buffer[..n]);
            _position += n;
            Reads++;
            PeakInFlight = Math.Max(PeakInFlight, _position - accepted());
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _hash.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A write-only sink that keeps only a running SHA-256 and the byte count.</summary>
    private sealed class HashingStream : Stream
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

        public byte[] Sha256() => _hash.GetCurrentHash();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
