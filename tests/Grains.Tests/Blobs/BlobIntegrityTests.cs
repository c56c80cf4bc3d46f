using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Xunit;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>Damaged and missing chunks on disk (seeds scenario A13: a tampered chunk makes the download fail with a
/// hash error).</summary>
public sealed class BlobIntegrityTests(BlobSiloFixture fixture) : IClassFixture<BlobSiloFixture>
{
    [Fact]
    public async Task FlippedByteInAChunkFileFailsDownloadsAndReadsWithBothHashes()
    {
        var content = RandomBytes(101, (3 * MiB) + 10);
        var manifest = await UploadAsync(fixture.Grains, content);
        var chunk = manifest.Chunks[1];
        var path = fixture.Store.PathOf(chunk.Hash);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[12345] ^= 0x20;
        await File.WriteAllBytesAsync(path, bytes);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var error = await Assert.ThrowsAsync<BlobIntegrityException>(() => DownloadAsync(fixture.Grains, manifest.Id));
        Assert.Equal("blob_integrity", error.Code);
        Assert.Contains(manifest.Id, error.Message, StringComparison.Ordinal);
        Assert.Contains("chunk 1", error.Message, StringComparison.Ordinal);
        Assert.Contains(chunk.Hash, error.Message, StringComparison.Ordinal);
        Assert.Contains(actual, error.Message, StringComparison.Ordinal);

        var blob = fixture.Grains.GetGrain<IBlobGrain>(manifest.Id);
        await Assert.ThrowsAsync<BlobIntegrityException>(() => blob.ReadChunkAsync(BlobCaller.Silo, 1));
        await Assert.ThrowsAsync<BlobIntegrityException>(() => blob.ReadRangeAsync(BlobCaller.Silo, MiB + 12345, 1));
        await Assert.ThrowsAsync<BlobIntegrityException>(() => blob.ReadRangeAsync(BlobCaller.Silo, MiB - 1, 2));

        // Chunks that were not touched still read, as do ranges that avoid the damaged chunk.
        Assert.Equal(content.AsSpan(0, MiB).ToArray(), await blob.ReadChunkAsync(BlobCaller.Silo, 0));
        Assert.Equal(content.AsSpan(2 * MiB, 100).ToArray(), await DownloadAsync(fixture.Grains, manifest.Id, 2 * MiB, 100));
    }

    [Fact]
    public async Task DeletedChunkFileFailsTheDownload()
    {
        var content = RandomBytes(103, (2 * MiB) + 1);
        var manifest = await UploadAsync(fixture.Grains, content);
        var chunk = manifest.Chunks[2];
        File.Delete(fixture.Store.PathOf(chunk.Hash));

        var error = await Assert.ThrowsAsync<BlobIntegrityException>(() => DownloadAsync(fixture.Grains, manifest.Id));
        Assert.Contains(manifest.Id, error.Message, StringComparison.Ordinal);
        Assert.Contains("chunk 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(chunk.Hash, error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedChunkFileFailsWithTheActualHash()
    {
        var content = RandomBytes(107, MiB + 50);
        var manifest = await UploadAsync(fixture.Grains, content);
        var path = fixture.Store.PathOf(manifest.Chunks[0].Hash);
        var shorter = (await File.ReadAllBytesAsync(path))[..1000];
        await File.WriteAllBytesAsync(path, shorter);

        var error = await Assert.ThrowsAsync<BlobIntegrityException>(() => fixture.Grains.GetGrain<IBlobGrain>(manifest.Id).ReadChunkAsync(BlobCaller.Silo, 0));
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(shorter)), error.Message, StringComparison.Ordinal);
        Assert.Contains("1000 bytes on disk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadingTheSameContentAgainRepairsADamagedChunk()
    {
        var content = RandomBytes(109, (2 * MiB) + 3);
        var manifest = await UploadAsync(fixture.Grains, content);
        var path = fixture.Store.PathOf(manifest.Chunks[0].Hash);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[0] ^= 0xff;
        await File.WriteAllBytesAsync(path, bytes);
        await Assert.ThrowsAsync<BlobIntegrityException>(() => DownloadAsync(fixture.Grains, manifest.Id));

        var again = await UploadAsync(fixture.Grains, content);

        Assert.Equal(manifest.Id, again.Id);
        Assert.Equal(content, await DownloadAsync(fixture.Grains, manifest.Id));
    }
}
