using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>The chunk store on a real disk: concurrent writers, crash leftovers, a failing disk.</summary>
public sealed class ChunkStoreTests
{
    [Fact]
    public async Task ConcurrentWritersOfTheSameChunkLeaveOneIntactFile()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var store = silo.Services.GetRequiredService<FileChunkStore>();
        for (var round = 0; round < 10; round++)
        {
            var bytes = RandomBytes(300 + round, 256 * 1024);
            var hashes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.WriteAsync(bytes))));

            Assert.All(hashes, h => Assert.Equal(hashes[0], h));
            Assert.Equal(bytes, await File.ReadAllBytesAsync(store.PathOf(hashes[0])));
        }

        Assert.Equal(10, ChunkFiles(store.RootPath).Count);
        Assert.Empty(Directory.GetFiles(Path.Combine(store.RootPath, "tmp")));
        Assert.Equal(10L * 8 * 256 * 1024, store.BytesAccepted);
    }

    [Fact]
    public async Task StaleTemporaryFilesAreRemovedWhenTheStoreOpens()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var root = silo.Services.GetRequiredService<FileChunkStore>().RootPath;
        var stale = Path.Combine(root, "tmp", "crashed.0.tmp");
        var fresh = Path.Combine(root, "tmp", "writing.1.tmp");
        await File.WriteAllBytesAsync(stale, [1]);
        await File.WriteAllBytesAsync(fresh, [2]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - FileChunkStore.StaleTempAge - TimeSpan.FromMinutes(5));

        await silo.RestartAsync();
        _ = silo.Services.GetRequiredService<FileChunkStore>();

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task AFailingDiskGivesBlobStoreExceptionAndRegistersNothing()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var store = silo.Services.GetRequiredService<FileChunkStore>();
        var tmp = Path.Combine(store.RootPath, "tmp");

        // A file where the temp folder should be: every new chunk write fails (permissions would not stop root).
        Directory.Delete(tmp);
        await File.WriteAllBytesAsync(tmp, []);
        var content = RandomBytes(310, MiB + 10);
        var error = await Assert.ThrowsAsync<BlobStoreException>(() => UploadAsync(silo.Grains, content));
        Assert.Equal("blob_store_failed", error.Code);
        Assert.Null(await silo.Grains.GetGrain<IBlobGrain>(ExpectedId(content)).GetManifestAsync(BlobCaller.Silo));

        File.Delete(tmp);
        Directory.CreateDirectory(tmp);
        var manifest = await UploadAsync(silo.Grains, content);
        Assert.Equal(content, await DownloadAsync(silo.Grains, manifest.Id));
    }
}
