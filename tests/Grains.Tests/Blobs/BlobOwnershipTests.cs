using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>Who may read a blob and change its access, on the blob grains of a real silo: owners by upload, grants,
/// publishing, and the answer everyone else gets (that of a blob that is not stored).</summary>
public sealed class BlobOwnershipTests(BlobSiloFixture fixture, ITestOutputHelper output) : IClassFixture<BlobSiloFixture>
{
    private static readonly BlobCaller Alice = BlobCaller.Client("alice");
    private static readonly BlobCaller Bob = BlobCaller.Client("bob");
    private static readonly BlobCaller Carol = BlobCaller.Client("carol");

    [Fact]
    public async Task AnotherClientsBlobAnswersExactlyAsABlobThatIsNotStored()
    {
        var content = Content(2 * MiB + 10);
        var id = (await UploadAsAsync(Alice, content)).Id;
        var missingId = ExpectedId(Content(77));
        var stored = fixture.Grains.GetGrain<IBlobGrain>(id);
        var missing = fixture.Grains.GetGrain<IBlobGrain>(missingId);

        Assert.NotNull(await stored.GetManifestAsync(Alice));
        Assert.Null(await stored.GetManifestAsync(Bob));
        Assert.Null(await missing.GetManifestAsync(Bob));

        // Every call, even with arguments that would be wrong for the stored blob (a chunk index past its end), gets
        // the not-stored answer: same type, same code, same message but for the id.
        var calls = new (string Name, Func<IBlobGrain, BlobCaller, Task> Call)[]
        {
            ("ReadChunk", (b, c) => b.ReadChunkAsync(c, 0)),
            ("ReadChunk past the end", (b, c) => b.ReadChunkAsync(c, 99)),
            ("ReadRange", (b, c) => b.ReadRangeAsync(c, 0, 16)),
            ("ReadRange past the end", (b, c) => b.ReadRangeAsync(c, long.MaxValue, 16)),
            ("GetChunkProof", (b, c) => b.GetChunkProofAsync(c, 1)),
            ("GetAccess", (b, c) => b.GetAccessAsync(c)),
            ("Share", (b, c) => b.ShareAsync(c, "mallory")),
            ("Unshare", (b, c) => b.UnshareAsync(c, "alice")),
            ("Publish", (b, c) => b.PublishAsync(c)),
            ("Unpublish", (b, c) => b.UnpublishAsync(c)),
        };
        foreach (var (name, call) in calls)
        {
            var denied = await Assert.ThrowsAsync<BlobNotFoundException>(() => call(stored, Bob));
            var absent = await Assert.ThrowsAsync<BlobNotFoundException>(() => call(missing, Bob));
            Assert.Equal(BlobNotFoundException.ErrorCode, denied.Code);
            Assert.True(absent.Message.Replace(missingId, "ID", StringComparison.Ordinal) == denied.Message.Replace(id, "ID", StringComparison.Ordinal), name);
        }

        var downloadDenied = await Assert.ThrowsAsync<BlobNotFoundException>(() => DownloadAsAsync(Bob, id));
        var downloadAbsent = await Assert.ThrowsAsync<BlobNotFoundException>(() => DownloadAsAsync(Bob, missingId));
        Assert.Equal(downloadAbsent.Message.Replace(missingId, "ID", StringComparison.Ordinal), downloadDenied.Message.Replace(id, "ID", StringComparison.Ordinal));

        // Nothing of the above changed the blob.
        var access = await stored.GetAccessAsync(Alice);
        Assert.Equal(1, access.OwnerCount);
        Assert.Empty(access.SharedWith);
        Assert.False(access.Public);
        Assert.Equal(content, await DownloadAsAsync(Alice, id));
    }

    [Fact]
    public async Task SameBytesUploadedByTwoClientsAreOneBlobOwnedByBoth()
    {
        var content = Content(MiB + 3);
        var byAlice = await UploadAsAsync(Alice, content);
        // Bob's copy arrives whole in one call (the writer grain), Alice's through an upload: same bytes, same blob.
        var byBob = await BlobTransfer.StoreAsync(fixture.Grains, Bob, content, "text/plain", CancellationToken.None);

        Assert.Equal(byAlice.Id, byBob.Id);
        Assert.Equal(byAlice.CreatedAt, byBob.CreatedAt);
        Assert.Equal(content, await DownloadAsAsync(Alice, byAlice.Id));
        Assert.Equal(content, await DownloadAsAsync(Bob, byAlice.Id));
        Assert.Null(await fixture.Grains.GetGrain<IBlobGrain>(byAlice.Id).GetManifestAsync(Carol));

        var access = await fixture.Grains.GetGrain<IBlobGrain>(byAlice.Id).GetAccessAsync(Bob);
        Assert.Equal(2, access.OwnerCount);

        // Uploading again adds nothing.
        await UploadAsAsync(Alice, content);
        Assert.Equal(2, (await fixture.Grains.GetGrain<IBlobGrain>(byAlice.Id).GetAccessAsync(Alice)).OwnerCount);
    }

    [Fact]
    public async Task ShareRevokePublishAndUnpublishRoundTrip()
    {
        var content = Content(4096);
        var id = (await UploadAsAsync(Alice, content)).Id;
        var blob = fixture.Grains.GetGrain<IBlobGrain>(id);

        var shared = await blob.ShareAsync(Alice, "bob");
        Assert.Equal(["bob"], shared.SharedWith);
        Assert.Equal(1, shared.OwnerCount);
        Assert.Equal(content, await DownloadAsAsync(Bob, id));
        Assert.NotNull(await blob.GetChunkProofAsync(Bob, 0));
        Assert.Null(await blob.GetManifestAsync(Carol));

        // Idempotent, and sharing with an owner changes nothing.
        Assert.Equal(["bob"], (await blob.ShareAsync(Alice, "bob")).SharedWith);
        Assert.Equal(["bob"], (await blob.ShareAsync(Alice, "alice")).SharedWith);

        // Not transitive: Bob reads but cannot pass it on, see the list, or publish it.
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.ShareAsync(Bob, "carol"));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.GetAccessAsync(Bob));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.PublishAsync(Bob));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.UnshareAsync(Bob, "bob"));
        Assert.Null(await blob.GetManifestAsync(Carol));

        var revoked = await blob.UnshareAsync(Alice, "bob");
        Assert.Empty(revoked.SharedWith);
        Assert.Null(await blob.GetManifestAsync(Bob));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => DownloadAsAsync(Bob, id));
        Assert.Empty((await blob.UnshareAsync(Alice, "bob")).SharedWith);

        var published = await blob.PublishAsync(Alice);
        Assert.True(published.Public);
        Assert.Equal(content, await DownloadAsAsync(Carol, id));
        Assert.Equal(content, await DownloadAsAsync(Bob, id));
        // Public lets everyone read, not change access.
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.UnpublishAsync(Carol));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.GetAccessAsync(Carol));

        var unpublished = await blob.UnpublishAsync(Alice);
        Assert.False(unpublished.Public);
        Assert.Null(await blob.GetManifestAsync(Carol));
        Assert.Equal(content, await DownloadAsAsync(Alice, id));
    }

    [Fact]
    public async Task AClientThatUploadsTheBytesItWasGrantedBecomesAnOwner()
    {
        var content = Content(999);
        var id = (await UploadAsAsync(Alice, content)).Id;
        var blob = fixture.Grains.GetGrain<IBlobGrain>(id);
        await blob.ShareAsync(Alice, "bob");

        await UploadAsAsync(Bob, content);

        var access = await blob.GetAccessAsync(Bob);
        Assert.Equal(2, access.OwnerCount);
        Assert.Empty(access.SharedWith);
        // Ownership comes from holding the bytes: revoking a grant does not take it away.
        await blob.UnshareAsync(Alice, "bob");
        Assert.Equal(content, await DownloadAsAsync(Bob, id));
    }

    [Fact]
    public async Task FullAccessReadsAndManagesEveryBlobAndOwnsNothingItStores()
    {
        var content = Content(1234);
        var id = (await UploadAsAsync(Alice, content)).Id;
        var blob = fixture.Grains.GetGrain<IBlobGrain>(id);
        var operatorAsCli = BlobCaller.Operator("cli");

        Assert.Equal(content, await DownloadAsAsync(BlobCaller.Silo, id));
        Assert.Equal(content, await DownloadAsAsync(operatorAsCli, id));
        Assert.Equal(["bob"], (await blob.ShareAsync(operatorAsCli, "bob")).SharedWith);
        Assert.Equal(1, (await blob.GetAccessAsync(BlobCaller.Silo)).OwnerCount);

        var silos = Content(4321);
        var unowned = await BlobTransfer.StoreAsync(fixture.Grains, BlobCaller.Silo, silos, null, CancellationToken.None);
        Assert.Equal(0, (await fixture.Grains.GetGrain<IBlobGrain>(unowned.Id).GetAccessAsync(BlobCaller.Silo)).OwnerCount);
        Assert.Null(await fixture.Grains.GetGrain<IBlobGrain>(unowned.Id).GetManifestAsync(Alice));

        var operators = await BlobTransfer.UploadAsync(fixture.Grains, operatorAsCli, new MemoryStream(Content(5432)), null, null, CancellationToken.None);
        Assert.NotNull(await fixture.Grains.GetGrain<IBlobGrain>(operators.Id).GetManifestAsync(BlobCaller.Client("cli")));
    }

    [Fact]
    public async Task MalformedClientIdsAreRefused()
    {
        var id = (await UploadAsAsync(Alice, Content(100))).Id;
        var blob = fixture.Grains.GetGrain<IBlobGrain>(id);
        foreach (var bad in new[] { "", " bob", "bob ", "a/b", "tab\there", new string('x', ClientIds.MaxLength + 1) })
        {
            var e = await Assert.ThrowsAsync<InvalidRequestException>(() => blob.ShareAsync(Alice, bad));
            Assert.StartsWith("client_id:", e.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidRequestException>(() => BlobCaller.Client(bad));
        }

        await blob.ShareAsync(Alice, new string('x', ClientIds.MaxLength));
        var access = await blob.ShareAsync(Alice, "bob smith");
        Assert.Equal([new string('x', ClientIds.MaxLength), "bob smith"], access.SharedWith);
    }

    private byte[] Content(int size)
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}, {size} bytes");
        return RandomBytes(seed, size);
    }

    private Task<BlobManifest> UploadAsAsync(BlobCaller owner, byte[] content) =>
        BlobTransfer.UploadAsync(fixture.Grains, owner, new MemoryStream(content, writable: false), null, null, CancellationToken.None);

    private async Task<byte[]> DownloadAsAsync(BlobCaller caller, string id)
    {
        var target = new MemoryStream();
        await BlobTransfer.DownloadAsync(fixture.Grains, caller, id, target, 0, null, null, CancellationToken.None);
        return target.ToArray();
    }
}
