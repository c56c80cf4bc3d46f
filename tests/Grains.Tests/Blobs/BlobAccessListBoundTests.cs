using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>The bound on a blob's access list (owners and grants together, <c>Marketplace:Blobs:MaxAccessListEntries</c>)
/// and the access list's durability.</summary>
public sealed class BlobAccessListBoundTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OwnersAndGrantsStopAtTheBoundAndPublishingStillLetsEveryoneRead()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:MaxAccessListEntries"] = "3",
        });
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var content = RandomBytes(seed, 3000);
        var alice = BlobCaller.Client("alice");
        var id = (await StoreAsync(silo, alice, content)).Id;
        var blob = silo.Grains.GetGrain<IBlobGrain>(id);
        await StoreAsync(silo, BlobCaller.Client("bob"), content);
        var access = await blob.ShareAsync(alice, "carol");
        Assert.Equal((2, 3), (access.OwnerCount, access.MaxEntries));

        var full = await Assert.ThrowsAsync<BlobAccessListFullException>(() => blob.ShareAsync(alice, "dave"));
        Assert.Equal("blob_access_list_full", full.Code);
        Assert.Contains("publish it", full.Message, StringComparison.Ordinal);
        // A new owner does not fit either; a grantee becoming an owner takes no new entry.
        await Assert.ThrowsAsync<BlobAccessListFullException>(() => StoreAsync(silo, BlobCaller.Client("erin"), content));
        await Assert.ThrowsAsync<BlobAccessListFullException>(() =>
            BlobTransfer.UploadAsync(silo.Grains, BlobCaller.Client("erin"), new NonSeekable(content), null, null, CancellationToken.None));
        await StoreAsync(silo, BlobCaller.Client("carol"), content);
        access = await blob.GetAccessAsync(alice);
        Assert.Equal(3, access.OwnerCount);
        Assert.Empty(access.SharedWith);
        Assert.Null(await blob.GetManifestAsync(BlobCaller.Client("dave")));

        // Published: every client reads; a further uploader is served without being recorded.
        await blob.PublishAsync(alice);
        Assert.NotNull(await blob.GetManifestAsync(BlobCaller.Client("dave")));
        Assert.Equal(id, (await StoreAsync(silo, BlobCaller.Client("erin"), content)).Id);
        Assert.Equal(3, (await blob.GetAccessAsync(alice)).OwnerCount);
        await blob.UnpublishAsync(alice);
        Assert.Null(await blob.GetManifestAsync(BlobCaller.Client("erin")));
    }

    [Fact]
    public async Task OwnersGrantsAndPublishingSurviveARestart()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var content = RandomBytes(seed, (2 * MiB) + 1);
        var alice = BlobCaller.Client("alice");
        var manifest = await BlobTransfer.UploadAsync(silo.Grains, alice, new MemoryStream(content), "text/plain", null, CancellationToken.None);
        var blob = silo.Grains.GetGrain<IBlobGrain>(manifest.Id);
        await blob.ShareAsync(alice, "bob");
        await blob.PublishAsync(alice);

        await silo.RestartAsync();

        blob = silo.Grains.GetGrain<IBlobGrain>(manifest.Id);
        var access = await blob.GetAccessAsync(alice);
        Assert.Equal(1, access.OwnerCount);
        Assert.Equal(["bob"], access.SharedWith);
        Assert.True(access.Public);
        await blob.UnpublishAsync(alice);
        Assert.NotNull(await blob.GetManifestAsync(BlobCaller.Client("bob")));
        Assert.Null(await blob.GetManifestAsync(BlobCaller.Client("carol")));
        Assert.Equal("text/plain", (await blob.GetManifestAsync(alice))!.MediaType);
    }

    private static Task<BlobManifest> StoreAsync(MarketplaceTestSilo silo, BlobCaller owner, byte[] content) =>
        BlobTransfer.StoreAsync(silo.Grains, owner, content, null, CancellationToken.None);

    /// <summary>A stream that cannot seek, so the upload goes through an upload grain rather than one store call.</summary>
    private sealed class NonSeekable(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;
    }
}
