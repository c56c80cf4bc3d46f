using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;
using Xunit.Abstractions;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>Blobs stored before blobs had owners: the blob grain's state was the bare manifest. Such a blob has no
/// owner; only full access (the silo, operators) reads it, until a client uploads the same bytes and becomes its
/// owner, or an operator shares or publishes it.</summary>
public sealed class PreOwnershipBlobTests(BlobSiloFixture fixture, ITestOutputHelper output) : IClassFixture<BlobSiloFixture>
{
    private static readonly BlobCaller Alice = BlobCaller.Client("alice");
    private static readonly BlobCaller Bob = BlobCaller.Client("bob");

    [Fact]
    public async Task AStoredManifestWithoutOwnersIsReadableOnlyWithFullAccessUntilAClientUploadsTheBytes()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var content = RandomBytes(seed, MiB + 300);
        var manifest = await StoreAsBeforeOwnersAsync(content, "text/csv");
        var blob = fixture.Grains.GetGrain<IBlobGrain>(manifest.Id);

        // Clients see nothing; the silo reads the old record as it was written.
        Assert.Null(await blob.GetManifestAsync(Alice));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.ReadChunkAsync(Bob, 0));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.GetAccessAsync(Alice));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.PublishAsync(Alice));
        var stored = await blob.GetManifestAsync(BlobCaller.Silo);
        Assert.NotNull(stored);
        Assert.Equal("text/csv", stored.MediaType);
        Assert.Equal(manifest.CreatedAt, stored.CreatedAt);
        Assert.Equal(manifest.Chunks.Select(c => (c.Hash, c.Offset, c.Size)), stored.Chunks.Select(c => (c.Hash, c.Offset, c.Size)));
        Assert.Equal(content, await DownloadAsAsync(BlobCaller.Silo, manifest.Id));
        var access = await blob.GetAccessAsync(BlobCaller.Operator("ops"));
        Assert.Equal(0, access.OwnerCount);
        Assert.Empty(access.SharedWith);
        Assert.False(access.Public);

        // Uploading the same bytes proves Alice holds them: she becomes the owner, the record keeps its media type and
        // creation time.
        var uploaded = await BlobTransfer.UploadAsync(fixture.Grains, Alice, new MemoryStream(content), "application/other", null, CancellationToken.None);
        Assert.Equal(manifest.Id, uploaded.Id);
        Assert.Equal("text/csv", uploaded.MediaType);
        Assert.Equal(manifest.CreatedAt, uploaded.CreatedAt);
        Assert.Equal(content, await DownloadAsAsync(Alice, manifest.Id));
        Assert.Equal(1, (await blob.GetAccessAsync(Alice)).OwnerCount);
        Assert.Null(await blob.GetManifestAsync(Bob));
    }

    [Fact]
    public async Task AnOperatorMayPublishABlobWithoutOwners()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var content = RandomBytes(seed, 5000);
        var manifest = await StoreAsBeforeOwnersAsync(content, "application/octet-stream");
        var blob = fixture.Grains.GetGrain<IBlobGrain>(manifest.Id);

        Assert.True((await blob.PublishAsync(BlobCaller.Operator("ops"))).Public);
        Assert.Equal(content, await DownloadAsAsync(Bob, manifest.Id));
        Assert.False((await blob.UnpublishAsync(BlobCaller.Silo)).Public);
        Assert.Null(await blob.GetManifestAsync(Bob));
    }

    /// <summary>Writes the chunks to the store and the bare manifest as the blob grain's state, as the silo did before
    /// blobs had owners (state name <c>manifest</c>, the manifest type itself as the state).</summary>
    private async Task<BlobManifest> StoreAsBeforeOwnersAsync(byte[] content, string mediaType)
    {
        var chunks = new List<ChunkRef>();
        for (var offset = 0; offset < content.Length; offset += MiB)
        {
            var size = Math.Min(MiB, content.Length - offset);
            var hash = await fixture.Store.WriteAsync(content.AsMemory(offset, size));
            chunks.Add(new ChunkRef { Hash = hash, Offset = offset, Size = size });
        }

        var manifest = new BlobManifest
        {
            Id = BlobMerkle.ComputeBlobId([.. chunks.Select(c => c.Hash)]),
            Size = content.Length,
            MediaType = mediaType,
            Chunks = chunks,
            CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        };
        var storage = fixture.Silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        await storage.WriteStateAsync("manifest", GrainId.Create("blob", manifest.Id), new GrainState<BlobManifest>(manifest));
        return manifest;
    }

    private async Task<byte[]> DownloadAsAsync(BlobCaller caller, string id)
    {
        var target = new MemoryStream();
        await BlobTransfer.DownloadAsync(fixture.Grains, caller, id, target, 0, null, null, CancellationToken.None);
        return target.ToArray();
    }
}
