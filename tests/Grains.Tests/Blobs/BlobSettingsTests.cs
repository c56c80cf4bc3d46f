using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>Behaviour that needs its own silo: configured limits, timeouts, restarts.</summary>
public sealed class BlobSettingsTests
{
    [Fact]
    public async Task UploadPastMaxBlobBytesFailsAndRegistersNothing()
    {
        const int limit = (2 * MiB) + 5;
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:MaxBlobBytes"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var tooLarge = RandomBytes(201, limit + 1);
        var error = await Assert.ThrowsAsync<BlobTooLargeException>(() => UploadAsync(silo.Grains, tooLarge));
        Assert.Equal("blob_too_large", error.Code);
        Assert.Contains(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Null(await silo.Grains.GetGrain<IBlobGrain>(ExpectedId(tooLarge)).GetManifestAsync(BlobCaller.Silo));

        var fits = RandomBytes(202, limit);
        var manifest = await UploadAsync(silo.Grains, fits);
        Assert.Equal(limit, manifest.Size);
        Assert.Equal(fits, await DownloadAsync(silo.Grains, manifest.Id));

        // Direct use: the piece that crosses the limit is refused and the upload is over.
        var upload = silo.Grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await upload.BeginAsync(BlobCaller.Silo);
        await upload.AppendAsync(new byte[2 * MiB]);
        await Assert.ThrowsAsync<BlobTooLargeException>(() => upload.AppendAsync(new byte[6]));
        var over = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.CompleteAsync(null, BlobCaller.Silo));
        Assert.Contains("limit", over.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestAndBytesSurviveARestart()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var content = RandomBytes(203, (2 * MiB) + 77);
        var manifest = await UploadAsync(silo.Grains, content, "application/wasm");

        await silo.RestartAsync();

        var stored = await silo.Grains.GetGrain<IBlobGrain>(manifest.Id).GetManifestAsync(BlobCaller.Silo);
        Assert.NotNull(stored);
        Assert.Equal(manifest.Size, stored.Size);
        Assert.Equal("application/wasm", stored.MediaType);
        Assert.Equal(manifest.CreatedAt, stored.CreatedAt);
        Assert.Equal(manifest.Chunks.Select(c => (c.Hash, c.Offset, c.Size)), stored.Chunks.Select(c => (c.Hash, c.Offset, c.Size)));
        Assert.Equal(content, await DownloadAsync(silo.Grains, manifest.Id));
    }

    [Fact]
    public async Task AbandonedUploadAbortsItself()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:UploadIdleTimeout"] = "00:00:01",
        });
        var upload = silo.Grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await upload.BeginAsync(BlobCaller.Silo);
        await upload.AppendAtAsync(0, new byte[1000]);

        await Task.Delay(TimeSpan.FromSeconds(3));

        // The upload's state is gone: the next piece at offset 1000 is refused, and completing finds nothing.
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.AppendAtAsync(1000, new byte[10]));
        Assert.Contains("offset 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUploadThatTakesLongerThanItMayIsAbortedAndRegistersNothing()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:MaxUploadDuration"] = "00:00:01",
            ["Marketplace:Blobs:UploadIdleTimeout"] = "00:10:00",
        });
        var upload = silo.Grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await upload.BeginAsync(BlobCaller.Silo);
        var first = RandomBytes(206, MiB);
        await upload.AppendAtAsync(0, first);

        // Still receiving pieces, never idle, but past its one second: the next piece ends it.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.AppendAtAsync(MiB, new byte[MiB]));
        Assert.Contains("took longer than the 00:00:01 an upload may take", error.Message, StringComparison.Ordinal);
        var over = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.CompleteAsync(null, BlobCaller.Silo));
        Assert.Contains("is over", over.Message, StringComparison.Ordinal);
        Assert.Null(await silo.Grains.GetGrain<IBlobGrain>(ExpectedId(first)).GetManifestAsync(BlobCaller.Silo));
    }

    [Fact]
    public async Task ChunkStorePathIsConfigurableAndRelativeToTheDataFolder()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:ChunkStorePath"] = "elsewhere/chunks",
            ["Marketplace:Blobs:ChunkSize"] = "65536",
        });
        var store = silo.Services.GetRequiredService<FileChunkStore>();
        Assert.Equal(Path.Combine(silo.DataFolder, "elsewhere", "chunks"), store.RootPath);

        var content = RandomBytes(205, 200_000);
        var manifest = await UploadAsync(silo.Grains, content);
        Assert.Equal(4, manifest.Chunks.Count);
        Assert.Equal(ExpectedId(content, 65536), manifest.Id);
        Assert.Equal(4, ChunkFiles(store.RootPath).Count);
        Assert.Equal(content, await DownloadAsync(silo.Grains, manifest.Id));
    }

    [Fact]
    public async Task InvalidSettingsStopTheSiloAtStart()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
            {
                ["Marketplace:DataFolder"] = folder,
                ["Marketplace:Blobs:ChunkSize"] = "100",
                ["Marketplace:Blobs:MaxBlobBytes"] = "0",
                ["Marketplace:Blobs:MaxAccessListEntries"] = "0",
                ["Marketplace:Blobs:MaxStoredBytesPerClient"] = "-1",
                ["Marketplace:Blobs:StoredBytesPerClient:carol"] = "-5",
                ["Marketplace:Blobs:MaxBlobsPerClient"] = "0",
                ["Marketplace:Blobs:MaxUploadDuration"] = "02:00:00",
                ["Marketplace:Blobs:ChunkSweepInterval"] = "00:00:30",
            }));
            Assert.Contains("ChunkSize 100", error.Message, StringComparison.Ordinal);
            Assert.Contains("MaxBlobBytes 0", error.Message, StringComparison.Ordinal);
            Assert.Contains("MaxAccessListEntries 0", error.Message, StringComparison.Ordinal);
            Assert.Contains("MaxStoredBytesPerClient -1", error.Message, StringComparison.Ordinal);
            Assert.Contains("StoredBytesPerClient:carol -5", error.Message, StringComparison.Ordinal);
            Assert.Contains("MaxBlobsPerClient 0", error.Message, StringComparison.Ordinal);
            Assert.Contains("UnreferencedChunkGrace 02:00:00 must be at least MaxUploadDuration (02:00:00) plus 10 minutes", error.Message, StringComparison.Ordinal);
            Assert.Contains("ChunkSweepInterval 00:00:30 must be at least 1 minute", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
