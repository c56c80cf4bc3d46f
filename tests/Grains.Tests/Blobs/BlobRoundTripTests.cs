using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

public sealed class BlobRoundTripTests(BlobSiloFixture fixture, ITestOutputHelper output) : IClassFixture<BlobSiloFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(MiB - 1)]
    [InlineData(MiB)]
    [InlineData(MiB + 1)]
    [InlineData((5 * MiB) + 12345)]
    public async Task UploadThenDownloadIsByteExact(int size)
    {
        var seed = Environment.TickCount ^ size;
        output.WriteLine($"seed {seed}, {size} bytes");
        var content = RandomBytes(seed, size);
        long lastProgress = 0;
        var progress = new SynchronousProgress(p => lastProgress = p);

        var manifest = await BlobTransfer.UploadAsync(fixture.Grains, BlobCaller.Silo, new MemoryStream(content), "application/x-test", progress, CancellationToken.None);

        Assert.Equal(size, lastProgress);
        Assert.Equal(ExpectedId(content), manifest.Id);
        Assert.Equal(size, manifest.Size);
        Assert.Equal("application/x-test", manifest.MediaType);
        Assert.Equal((size + MiB - 1) / MiB, manifest.Chunks.Count);
        Assert.True(BlobMerkle.VerifyManifest(manifest));
        Assert.All(manifest.Chunks, c => Assert.True(File.Exists(fixture.Store.PathOf(c.Hash))));

        var stored = await fixture.Grains.GetGrain<IBlobGrain>(manifest.Id).GetManifestAsync(BlobCaller.Silo);
        Assert.NotNull(stored);
        Assert.Equal(manifest.Id, stored.Id);
        Assert.Equal(manifest.Chunks.Select(c => c.Hash), stored.Chunks.Select(c => c.Hash));

        Assert.Equal(content, await DownloadAsync(fixture.Grains, manifest.Id));
    }

    [Fact]
    public async Task EmptyUploadIsRejectedAndNothingIsStored()
    {
        var before = ChunkFiles(fixture.Store.RootPath).Count;
        var error = await Assert.ThrowsAsync<BlobEmptyException>(() => UploadAsync(fixture.Grains, []));
        Assert.Equal("blob_empty", error.Code);
        Assert.Equal(before, ChunkFiles(fixture.Store.RootPath).Count);
    }

    [Fact]
    public async Task SameContentGivesTheSameIdAndIsStoredOnce()
    {
        var content = RandomBytes(17, (3 * MiB) + 99);
        var first = await UploadAsync(fixture.Grains, content, "text/plain");
        var files = ChunkFiles(fixture.Store.RootPath).Count;
        var second = await UploadAsync(fixture.Grains, content, "application/other");

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal("text/plain", second.MediaType); // the first registration wins
        Assert.Equal(files, ChunkFiles(fixture.Store.RootPath).Count);
        foreach (var chunk in first.Chunks)
        {
            Assert.Single(Directory.GetFiles(fixture.Store.RootPath, chunk.Hash, SearchOption.AllDirectories));
        }
    }

    [Fact]
    public async Task RepeatedChunksInsideOneBlobAreStoredOnce()
    {
        var piece = RandomBytes(23, MiB);
        var content = piece.Concat(piece).Concat(piece).Concat(new byte[] { 1, 2, 3 }).ToArray();
        var manifest = await UploadAsync(fixture.Grains, content);

        Assert.Equal(4, manifest.Chunks.Count);
        Assert.Equal(manifest.Chunks[0].Hash, manifest.Chunks[2].Hash);
        Assert.Single(Directory.GetFiles(fixture.Store.RootPath, manifest.Chunks[0].Hash, SearchOption.AllDirectories));
        Assert.Equal(content, await DownloadAsync(fixture.Grains, manifest.Id));
    }

    [Fact]
    public async Task ConcurrentUploadsOfTheSameContentAgree()
    {
        var content = RandomBytes(29, (3 * MiB) + 512);
        var uploads = Enumerable.Range(0, 4).Select(_ => Task.Run(() => UploadAsync(fixture.Grains, content))).ToArray();
        var manifests = await Task.WhenAll(uploads);

        Assert.All(manifests, m => Assert.Equal(ExpectedId(content), m.Id));
        Assert.All(manifests, m => Assert.Equal(manifests[0].CreatedAt, m.CreatedAt));
        foreach (var chunk in manifests[0].Chunks)
        {
            Assert.Single(Directory.GetFiles(fixture.Store.RootPath, chunk.Hash, SearchOption.AllDirectories));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(fixture.Store.RootPath, "tmp")));
        Assert.Equal(content, await DownloadAsync(fixture.Grains, manifests[0].Id));
    }

    [Fact]
    public async Task ParallelDownloadsOfOneBlobAreByteExact()
    {
        var content = RandomBytes(61, (4 * MiB) + 3);
        var manifest = await UploadAsync(fixture.Grains, content);
        var downloads = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => DownloadAsync(fixture.Grains, manifest.Id, i * 1000, null))));
        for (var i = 0; i < downloads.Length; i++)
        {
            Assert.Equal(content.AsSpan(i * 1000).ToArray(), downloads[i]);
        }
    }

    [Fact]
    public async Task RangeReadsAtAndAcrossChunkBoundaries()
    {
        var content = RandomBytes(31, (2 * MiB) + 123);
        var manifest = await UploadAsync(fixture.Grains, content);
        var blob = fixture.Grains.GetGrain<IBlobGrain>(manifest.Id);
        var size = content.Length;

        (long Offset, int Count)[] ranges =
        [
            (0, 10), (MiB - 5, 10), (MiB, MiB), (MiB - 1, 1), (MiB - 1, 2), (0, size), (5, (2 * MiB) + 100),
            (size - 3, 10), (size - 1, 1), (2 * MiB, 123), ((2 * MiB) - 1, 124),
        ];
        foreach (var (offset, count) in ranges)
        {
            var expected = content.AsSpan((int)offset, (int)Math.Min(count, size - offset)).ToArray();
            Assert.Equal(expected, await blob.ReadRangeAsync(BlobCaller.Silo, offset, count));
            Assert.Equal(expected, await DownloadAsync(fixture.Grains, manifest.Id, offset, count));
        }

        Assert.Empty(await blob.ReadRangeAsync(BlobCaller.Silo, size, 10));
        Assert.Empty(await blob.ReadRangeAsync(BlobCaller.Silo, 0, 0));
        Assert.Empty(await DownloadAsync(fixture.Grains, manifest.Id, size, null));
        Assert.Equal(content.AsSpan(MiB + 7).ToArray(), await DownloadAsync(fixture.Grains, manifest.Id, MiB + 7, null));
        Assert.Equal(content.AsSpan(MiB + 7).ToArray(), await DownloadAsync(fixture.Grains, manifest.Id, MiB + 7, long.MaxValue));

        await Assert.ThrowsAsync<InvalidRequestException>(() => blob.ReadRangeAsync(BlobCaller.Silo, size + 1, 1));
        await Assert.ThrowsAsync<InvalidRequestException>(() => blob.ReadRangeAsync(BlobCaller.Silo, -1, 1));
        await Assert.ThrowsAsync<InvalidRequestException>(() => blob.ReadRangeAsync(BlobCaller.Silo, 0, -1));
        await Assert.ThrowsAsync<InvalidRequestException>(() => blob.ReadRangeAsync(BlobCaller.Silo, 0, BlobLimits.MaxReadBytes + 1));
        await Assert.ThrowsAsync<InvalidRequestException>(() => DownloadAsync(fixture.Grains, manifest.Id, size + 1, null));
        await Assert.ThrowsAsync<InvalidRequestException>(() => DownloadAsync(fixture.Grains, manifest.Id, -1, null));
        await Assert.ThrowsAsync<InvalidRequestException>(() => DownloadAsync(fixture.Grains, manifest.Id, 0, -1));
    }

    [Fact]
    public async Task ReadChunkReturnsEachChunkAndRejectsBadIndexes()
    {
        var content = RandomBytes(37, (2 * MiB) + 5);
        var manifest = await UploadAsync(fixture.Grains, content);
        var blob = fixture.Grains.GetGrain<IBlobGrain>(manifest.Id);
        for (var i = 0; i < manifest.Chunks.Count; i++)
        {
            var c = manifest.Chunks[i];
            Assert.Equal(content.AsSpan((int)c.Offset, c.Size).ToArray(), await blob.ReadChunkAsync(BlobCaller.Silo, i));
        }

        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => blob.ReadChunkAsync(BlobCaller.Silo, 3));
        Assert.Contains("3 chunks", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => blob.ReadChunkAsync(BlobCaller.Silo, -1));
        await Assert.ThrowsAsync<InvalidRequestException>(() => blob.GetChunkProofAsync(BlobCaller.Silo, 3));
    }

    [Fact]
    public async Task UnknownAndMalformedIdsGiveTypedErrors()
    {
        var unknown = ExpectedId("never uploaded"u8.ToArray());
        var blob = fixture.Grains.GetGrain<IBlobGrain>(unknown);
        Assert.Null(await blob.GetManifestAsync(BlobCaller.Silo));
        var notFound = await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.ReadChunkAsync(BlobCaller.Silo, 0));
        Assert.Contains(unknown, notFound.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.ReadRangeAsync(BlobCaller.Silo, 0, 1));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.GetChunkProofAsync(BlobCaller.Silo, 0));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => DownloadAsync(fixture.Grains, unknown));

        var malformed = fixture.Grains.GetGrain<IBlobGrain>("not-a-blob");
        var invalid = await Assert.ThrowsAsync<InvalidRequestException>(() => malformed.GetManifestAsync(BlobCaller.Silo));
        Assert.Contains("not-a-blob", invalid.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => malformed.ReadChunkAsync(BlobCaller.Silo, 0));
        await Assert.ThrowsAsync<InvalidRequestException>(() => DownloadAsync(fixture.Grains, "not-a-blob"));
    }

    [Fact]
    public async Task DownloadAcceptsUpperCaseIds()
    {
        var content = RandomBytes(41, 1000);
        var manifest = await UploadAsync(fixture.Grains, content);
        Assert.Equal(content, await DownloadAsync(fixture.Grains, manifest.Id.ToUpperInvariant()));
    }

    [Fact]
    public async Task BadMediaTypesAreRejected()
    {
        await Assert.ThrowsAsync<InvalidRequestException>(() => UploadAsync(fixture.Grains, [1, 2, 3], "no-slash"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => UploadAsync(fixture.Grains, [1, 2, 3], "text/\nplain"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => UploadAsync(fixture.Grains, [1, 2, 3], "text/plain" + new string('x', 250)));
        Assert.Equal("application/octet-stream", (await UploadAsync(fixture.Grains, [9, 8, 7, 6], null)).MediaType);
        Assert.Equal("text/plain; charset=utf-8", (await UploadAsync(fixture.Grains, [9, 8, 7, 6, 5], " text/plain; charset=utf-8 ")).MediaType);
    }

    [Fact]
    public async Task ProofsFromTheGrainVerifyForEveryChunk()
    {
        var content = RandomBytes(43, (4 * MiB) + 77);
        var manifest = await UploadAsync(fixture.Grains, content);
        var blob = fixture.Grains.GetGrain<IBlobGrain>(manifest.Id);
        for (var i = 0; i < manifest.Chunks.Count; i++)
        {
            var proof = await blob.GetChunkProofAsync(BlobCaller.Silo, i);
            Assert.Equal(manifest.Id, proof.BlobId);
            Assert.Equal(manifest.Chunks.Count, proof.ChunkCount);
            Assert.True(BlobMerkle.VerifyChunk(proof, await blob.ReadChunkAsync(BlobCaller.Silo, i)));

            var bytes = await blob.ReadChunkAsync(BlobCaller.Silo, i);
            bytes[^1] ^= 0x01;
            Assert.False(BlobMerkle.VerifyChunk(proof, bytes));
            proof.Siblings[0] = proof.ChunkHash;
            Assert.False(BlobMerkle.VerifyProof(proof));
        }
    }

    [Fact]
    public async Task DirectUploadGrainUseChecksOffsetsAndPieceSizes()
    {
        var upload = fixture.Grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await upload.BeginAsync(BlobCaller.Silo);
        await upload.AppendAtAsync(0, [1, 2, 3]);
        var skipped = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.AppendAtAsync(10, [4]));
        Assert.Contains("offset 3", skipped.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => upload.AppendAsync(new byte[BlobLimits.MaxAppendBytes + 1]));
        await upload.AppendAsync([4]);
        var manifest = await upload.CompleteAsync(null, BlobCaller.Silo);
        Assert.Equal(4, manifest.Size);

        // The finished upload is gone: a late piece at its old offset is refused, not started as a new upload.
        await Assert.ThrowsAsync<InvalidRequestException>(() => upload.AppendAtAsync(4, [5]));
    }

    [Fact]
    public async Task CancelledUploadIsAbortedAndNothingRegistered()
    {
        var content = RandomBytes(47, 3 * MiB);
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p >= MiB)
            {
                cts.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => BlobTransfer.UploadAsync(fixture.Grains, BlobCaller.Silo, new MemoryStream(content), null, progress, cts.Token));
        Assert.Null(await fixture.Grains.GetGrain<IBlobGrain>(ExpectedId(content)).GetManifestAsync(BlobCaller.Silo));
    }

    [Fact]
    public async Task FailingSourceStreamAbortsTheUploadAndKeepsItsError()
    {
        var source = new FailingStream(RandomBytes(53, (2 * MiB) + 10), failAfter: MiB + 100);
        var error = await Assert.ThrowsAsync<IOException>(
            () => BlobTransfer.UploadAsync(fixture.Grains, BlobCaller.Silo, source, null, null, CancellationToken.None));
        Assert.Equal("source broke", error.Message);
    }

    [Fact]
    public async Task FailingDestinationStopsTheDownload()
    {
        var content = RandomBytes(59, (3 * MiB) + 10);
        var manifest = await UploadAsync(fixture.Grains, content);
        var destination = new FailingStream([], failAfter: MiB + 1);
        await Assert.ThrowsAsync<IOException>(
            () => BlobTransfer.DownloadAsync(fixture.Grains, BlobCaller.Silo, manifest.Id, destination, 0, null, null, CancellationToken.None));
        Assert.Equal(content, await DownloadAsync(fixture.Grains, manifest.Id));
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
