using System.Globalization;
using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>The quota on bytes stored per client (<c>Marketplace:Blobs:MaxStoredBytesPerClient</c>) and giving a blob
/// up: what each client is charged, what is refused, what a delete releases, and that the usage follows ownership
/// across restarts and concurrent uploads.</summary>
public sealed class BlobQuotaTests(ITestOutputHelper output)
{
    private static readonly BlobCaller Alice = BlobCaller.Client("alice");
    private static readonly BlobCaller Bob = BlobCaller.Client("bob");

    [Fact]
    public async Task AnUploadPastTheQuotaIsRefusedAndLeavesTheClientNoOwner()
    {
        await using var silo = await StartAsync(("MaxStoredBytesPerClient", 3 * MiB));
        var seed = Seed();
        var first = await UploadAsync(silo, Alice, new NonSeekable(RandomBytes(seed, 2 * MiB)));
        Assert.Equal((2L * MiB, 1), await UsageAsync(silo, "alice"));

        // The writer path (one call): refused at the charge, and nothing is stored under that id.
        var small = RandomBytes(seed + 1, (MiB * 3) / 2);
        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, Alice, small));
        Assert.Equal("quota_exceeded", refused.Code);
        Assert.Contains("stores 2,097,152 bytes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 3,145,728", refused.Message, StringComparison.Ordinal);
        Assert.Null(await Blob(silo, ExpectedId(small)).GetManifestAsync(BlobCaller.Silo));

        // A stream of unknown length: refused as soon as its size passes the room left (the largest owned blob here,
        // 2 MiB, as it could be those bytes again), before it reaches its end.
        var big = new CountingStream(RandomBytes(seed + 2, 6 * MiB), seekable: false);
        await Assert.ThrowsAsync<QuotaExceededException>(() => UploadAsync(silo, Alice, big));
        Assert.True(big.BytesRead <= 3 * MiB, $"{big.BytesRead} bytes were read before the refusal");
        Assert.Null(await Blob(silo, ExpectedId(big.ToArray())).GetManifestAsync(BlobCaller.Silo));

        // A seekable stream is refused for its length before a byte is read.
        var known = new CountingStream(RandomBytes(seed + 3, (2 * MiB) + 1), seekable: true);
        await Assert.ThrowsAsync<QuotaExceededException>(() => UploadAsync(silo, Alice, known));
        Assert.Equal(0, known.BytesRead);

        // Another client is not touched by alice's usage; alice's usage is unchanged by the refusals.
        await StoreAsync(silo, Bob, small);
        Assert.Equal((2L * MiB, 1), await UsageAsync(silo, "alice"));
        Assert.Null(await Blob(silo, ExpectedId(small)).GetManifestAsync(Alice));
        Assert.Equal(1, (await Blob(silo, ExpectedId(small)).GetAccessAsync(Bob)).OwnerCount);
        Assert.NotNull(await Blob(silo, first.Id).GetManifestAsync(Alice));
    }

    [Fact]
    public async Task AnUploadOfExactlyTheQuotaFitsAndOneByteMoreDoesNotEvenWithAQuotaOfOneByte()
    {
        await using var silo = await StartAsync(("MaxStoredBytesPerClient", 4096), ("StoredBytesPerClient:tiny", 1));
        var seed = Seed();

        // Exactly the quota, through both paths: stored; the next byte is refused, and nothing more is charged.
        var exact = await UploadAsync(silo, Alice, new NonSeekable(RandomBytes(seed, 4096)));
        Assert.Equal((4096L, 1), await UsageAsync(silo, "alice"));
        await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, Alice, RandomBytes(seed + 1, 1)));
        await Assert.ThrowsAsync<QuotaExceededException>(() => UploadAsync(silo, Alice, new MemoryStream(RandomBytes(seed + 2, 1))));
        Assert.Equal((4096L, 1), await UsageAsync(silo, "alice"));
        Assert.NotNull(await Blob(silo, exact.Id).GetManifestAsync(Alice));

        // A quota of one byte: a one-byte blob fits, a second one does not, and two bytes never did.
        var tiny = BlobCaller.Client("tiny");
        await Assert.ThrowsAsync<QuotaExceededException>(() => UploadAsync(silo, tiny, new NonSeekable(RandomBytes(seed + 3, 2))));
        Assert.Equal((0L, 0), await UsageAsync(silo, "tiny"));
        await StoreAsync(silo, tiny, [0x2a]);
        await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, tiny, [0x2b]));
        Assert.Equal((1L, 1), await UsageAsync(silo, "tiny"));

        // The byte it owns, uploaded again, is free.
        Assert.Equal(ExpectedId([0x2a]), (await UploadAsync(silo, tiny, new MemoryStream([0x2a]))).Id);
        Assert.Equal((1L, 1), await UsageAsync(silo, "tiny"));
    }

    [Fact]
    public async Task PerClientOverridesReplaceTheDefault()
    {
        await using var silo = await StartAsync(("MaxStoredBytesPerClient", 1000), ("StoredBytesPerClient:bob", 0), ("StoredBytesPerClient:carol", 5000));
        var seed = Seed();
        Assert.Equal(1000, (await Storage(silo, "alice").GetAsync()).MaxStoredBytes);
        Assert.Equal(0, (await Storage(silo, "bob").GetAsync()).MaxStoredBytes);
        Assert.Equal(5000, (await Storage(silo, "carol").GetAsync()).MaxStoredBytes);

        var content = RandomBytes(seed, 4000);
        await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, Alice, content));
        await StoreAsync(silo, BlobCaller.Client("carol"), content);
        await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, BlobCaller.Client("carol"), RandomBytes(seed + 1, 1001)));
        await StoreAsync(silo, Bob, RandomBytes(seed + 2, 3 * MiB));
        Assert.Equal((3L * MiB, 1), await UsageAsync(silo, "bob"));
        Assert.Equal(long.MaxValue, await Storage(silo, "bob").CheckUploadAsync(long.MaxValue));
    }

    [Fact]
    public async Task UploadingOwnedBytesAgainIsFreeAndNeverRefused()
    {
        var size = (2 * MiB) + 3;
        await using var silo = await StartAsync(("MaxStoredBytesPerClient", size));
        var content = RandomBytes(Seed(), size);
        var manifest = await UploadAsync(silo, Alice, new NonSeekable(content));
        Assert.Equal(((long)size, 1), await UsageAsync(silo, "alice"));

        // At its quota, alice uploads the same bytes again every way there is.
        Assert.Equal(manifest.Id, (await UploadAsync(silo, Alice, new NonSeekable(content))).Id);
        Assert.Equal(manifest.Id, (await UploadAsync(silo, Alice, new MemoryStream(content))).Id);
        Assert.Equal(manifest.Id, (await StoreAsync(silo, Alice, content)).Id);
        Assert.Equal(((long)size, 1), await UsageAsync(silo, "alice"));
        Assert.Equal(1, (await Blob(silo, manifest.Id).GetAccessAsync(Alice)).OwnerCount);

        // Anything new is refused.
        await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, Alice, [1]));
    }

    [Fact]
    public async Task TwoOwnersOfTheSameBytesAreEachChargedTheirFullSize()
    {
        await using var silo = await StartAsync();
        var content = RandomBytes(Seed(), (3 * MiB) + 10);
        var manifest = await UploadAsync(silo, Alice, new NonSeekable(content));
        await StoreAsync(silo, Bob, content);

        Assert.Equal((manifest.Size, 1), await UsageAsync(silo, "alice"));
        Assert.Equal((manifest.Size, 1), await UsageAsync(silo, "bob"));
        Assert.Equal(2, (await Blob(silo, manifest.Id).GetAccessAsync(Alice)).OwnerCount);
        var storage = await Storage(silo, "alice").GetAsync();
        Assert.Equal(("alice", 10L << 30, 10_000), (storage.ClientId, storage.MaxStoredBytes, storage.MaxBlobs));
    }

    [Fact]
    public async Task DeletingReleasesTheUsageAndAFurtherUploadFits()
    {
        await using var silo = await StartAsync(("MaxStoredBytesPerClient", 5000));
        var seed = Seed();
        var kept = await StoreAsync(silo, Alice, RandomBytes(seed, 1000));
        var given = await StoreAsync(silo, Alice, RandomBytes(seed + 1, 3000));
        var next = RandomBytes(seed + 2, 2500);
        await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, Alice, next));

        await Blob(silo, given.Id).DeleteAsync(Alice);

        Assert.Equal((1000L, 1), await UsageAsync(silo, "alice"));
        await StoreAsync(silo, Alice, next);
        Assert.Equal((3500L, 2), await UsageAsync(silo, "alice"));
        Assert.NotNull(await Blob(silo, kept.Id).GetManifestAsync(Alice));

        // Given up by its only owner: gone for everyone, the silo included; a second delete is the missing blob's answer.
        Assert.Null(await Blob(silo, given.Id).GetManifestAsync(BlobCaller.Silo));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Blob(silo, given.Id).DeleteAsync(Alice));
        Assert.Equal((3500L, 2), await UsageAsync(silo, "alice"));
    }

    [Fact]
    public async Task OnlyAnOwnerMayDeleteAndAnyoneElseGetsTheAnswerOfAMissingBlob()
    {
        await using var silo = await StartAsync();
        var manifest = await StoreAsync(silo, Alice, RandomBytes(Seed(), 2000));
        var blob = Blob(silo, manifest.Id);
        await blob.ShareAsync(Alice, "bob");
        await blob.PublishAsync(Alice);
        var missing = "blob" + new string('d', 64);
        var absent = await Assert.ThrowsAsync<BlobNotFoundException>(() => Blob(silo, missing).DeleteAsync(Bob));

        // A grantee of a public blob reads it, and may not give it up; neither may an operator whose client does not own it.
        Assert.NotNull(await blob.GetManifestAsync(Bob));
        var grantee = await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.DeleteAsync(Bob));
        Assert.Equal(absent.Message.Replace(missing, "ID", StringComparison.Ordinal), grantee.Message.Replace(manifest.Id, "ID", StringComparison.Ordinal));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => blob.DeleteAsync(BlobCaller.Operator("ops")));
        await Assert.ThrowsAsync<InvalidRequestException>(() => blob.DeleteAsync(BlobCaller.Silo));

        var access = await blob.GetAccessAsync(Alice);
        Assert.Equal((1, true), (access.OwnerCount, access.Public));
        Assert.Equal(["bob"], access.SharedWith);
        Assert.Equal((2000L, 1), await UsageAsync(silo, "alice"));
        Assert.Equal((0L, 0), await UsageAsync(silo, "bob"));
    }

    [Fact]
    public async Task TheLastOwnerLeavingRemovesTheBlobButNotItsChunks()
    {
        await using var silo = await StartAsync();
        var content = RandomBytes(Seed(), (2 * MiB) + 9);
        var manifest = await UploadAsync(silo, Alice, new NonSeekable(content));
        await StoreAsync(silo, Bob, content);
        var blob = Blob(silo, manifest.Id);
        await blob.ShareAsync(Alice, "carol");

        await blob.DeleteAsync(Alice);
        Assert.Null(await blob.GetManifestAsync(Alice));
        Assert.Equal(content, await ReadAsync(silo, Bob, manifest.Id));
        Assert.NotNull(await blob.GetManifestAsync(BlobCaller.Client("carol")));
        Assert.Equal(1, (await blob.GetAccessAsync(Bob)).OwnerCount);

        await blob.DeleteAsync(Bob);
        Assert.Null(await blob.GetManifestAsync(BlobCaller.Silo));
        Assert.Null(await blob.GetManifestAsync(BlobCaller.Client("carol")));
        Assert.Equal((0L, 0), await UsageAsync(silo, "alice"));
        Assert.Equal((0L, 0), await UsageAsync(silo, "bob"));
        var hashes = manifest.Chunks.Select(c => c.Hash).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(hashes.Count, ChunkFiles(Path.Combine(silo.DataFolder, "chunks")).Count(f => hashes.Contains(Path.GetFileName(f))));

        // The same bytes uploaded again are a blob anew, charged anew.
        var again = await StoreAsync(silo, BlobCaller.Client("carol"), content);
        Assert.Equal(manifest.Id, again.Id);
        Assert.Equal((manifest.Size, 1), await UsageAsync(silo, "carol"));
        Assert.Equal(1, (await blob.GetAccessAsync(BlobCaller.Client("carol"))).OwnerCount);
        Assert.Empty((await blob.GetAccessAsync(BlobCaller.Client("carol"))).SharedWith);
    }

    [Fact]
    public async Task UsageSurvivesARestart()
    {
        await using var silo = await StartAsync(("MaxStoredBytesPerClient", 4 * MiB));
        var seed = Seed();
        var kept = await UploadAsync(silo, Alice, new NonSeekable(RandomBytes(seed, 3 * MiB)));
        var given = await StoreAsync(silo, Alice, RandomBytes(seed + 1, 1000));
        await Blob(silo, given.Id).DeleteAsync(Alice);

        await silo.RestartAsync();

        Assert.Equal((3L * MiB, 1), await UsageAsync(silo, "alice"));
        await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, Alice, RandomBytes(seed + 2, MiB + 1)));
        await Blob(silo, kept.Id).DeleteAsync(Alice);
        await StoreAsync(silo, Alice, RandomBytes(seed + 2, MiB + 1));
        Assert.Equal(((long)MiB + 1, 1), await UsageAsync(silo, "alice"));
    }

    [Fact]
    public async Task ConcurrentUploadsCannotTogetherPassTheQuota()
    {
        await using var silo = await StartAsync(("MaxStoredBytesPerClient", 5000));
        var seed = Seed();
        var contents = Enumerable.Range(0, 20).Select(i => RandomBytes(seed + i, 1000)).ToList();

        var outcomes = await Task.WhenAll(contents.Select(async (content, i) =>
        {
            try
            {
                // Half through the writer, half through upload grains.
                return i % 2 == 0
                    ? (await StoreAsync(silo, Alice, content)).Id
                    : (await BlobTransfer.UploadAsync(silo.Grains, Alice, new NonSeekable(content), null, null, CancellationToken.None)).Id;
            }
            catch (QuotaExceededException)
            {
                return null;
            }
        }));

        var stored = outcomes.OfType<string>().ToList();
        Assert.Equal(5, stored.Count);
        Assert.Equal((5000L, 5), await UsageAsync(silo, "alice"));
        foreach (var (content, id) in contents.Zip(outcomes))
        {
            var manifest = await Blob(silo, ExpectedId(content)).GetManifestAsync(BlobCaller.Silo);
            Assert.Equal(id is not null, manifest is not null);
        }
    }

    [Fact]
    public async Task AnOutputStoredWithoutItsHoldIsChargedPastTheQuotaAndTheNextUploadIsRefused()
    {
        await using var silo = await StartAsync(("MaxStoredBytesPerClient", 1000));
        var seed = Seed();
        await StoreAsync(silo, Alice, RandomBytes(seed, 800));

        // What a worker does with a job's output (grains/Workers/AttemptBlobs) once the run committed: stored for the
        // job's client without a quota check. Here no run held room for it first (as when the hold ran out while the
        // worker's silo was stopped), so the charge passes the quota; JobOutputQuotaTests covers the held path.
        var outputBytes = RandomBytes(seed + 1, 700);
        var output = await BlobTransfer.StoreAsync(silo.Grains, BlobCaller.JobOutputFor("alice"), outputBytes, null, CancellationToken.None);
        Assert.Equal(outputBytes, await ReadAsync(silo, Alice, output.Id));
        Assert.Equal((1500L, 2), await UsageAsync(silo, "alice"));
        await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, Alice, RandomBytes(seed + 2, 1)));

        await Blob(silo, output.Id).DeleteAsync(Alice);
        await StoreAsync(silo, Alice, RandomBytes(seed + 2, 1));
        Assert.Equal((801L, 2), await UsageAsync(silo, "alice"));
    }

    [Fact]
    public async Task UploadsStopAtTheMostBlobsAClientMayOwn()
    {
        await using var silo = await StartAsync(("MaxBlobsPerClient", 2));
        var seed = Seed();
        var first = await StoreAsync(silo, Alice, RandomBytes(seed, 10));
        await StoreAsync(silo, Alice, RandomBytes(seed + 1, 10));
        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => StoreAsync(silo, Alice, RandomBytes(seed + 2, 10)));
        Assert.Contains("owns 2 blobs", refused.Message, StringComparison.Ordinal);
        Assert.Equal(first.Id, (await StoreAsync(silo, Alice, RandomBytes(seed, 10))).Id);

        await Blob(silo, first.Id).DeleteAsync(Alice);
        await StoreAsync(silo, Alice, RandomBytes(seed + 2, 10));
        Assert.Equal((20L, 2), await UsageAsync(silo, "alice"));
    }

    private int Seed()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        return seed;
    }

    private static Task<MarketplaceTestSilo> StartAsync(params (string Key, long Value)[] settings) =>
        MarketplaceTestSilo.StartAsync(settings.ToDictionary(
            s => "Marketplace:Blobs:" + s.Key,
            s => (string?)s.Value.ToString(CultureInfo.InvariantCulture)));

    private static IBlobGrain Blob(MarketplaceTestSilo silo, string id) => silo.Grains.GetGrain<IBlobGrain>(id);

    private static IClientStorageGrain Storage(MarketplaceTestSilo silo, string client) => silo.Grains.GetGrain<IClientStorageGrain>(client);

    private static async Task<(long Bytes, int Blobs)> UsageAsync(MarketplaceTestSilo silo, string client)
    {
        var storage = await Storage(silo, client).GetAsync();
        return (storage.StoredBytes, storage.BlobCount);
    }

    private static Task<BlobManifest> StoreAsync(MarketplaceTestSilo silo, BlobCaller owner, byte[] content) =>
        BlobTransfer.StoreAsync(silo.Grains, owner, content, null, CancellationToken.None);

    private static Task<BlobManifest> UploadAsync(MarketplaceTestSilo silo, BlobCaller owner, Stream content) =>
        BlobTransfer.UploadAsync(silo.Grains, owner, content, null, null, CancellationToken.None);

    private static async Task<byte[]> ReadAsync(MarketplaceTestSilo silo, BlobCaller caller, string id)
    {
        var target = new MemoryStream();
        await BlobTransfer.DownloadAsync(silo.Grains, caller, id, target, 0, null, null, CancellationToken.None);
        return target.ToArray();
    }

    /// <summary>A stream that cannot seek, so the upload goes through an upload grain rather than one store call.</summary>
    private sealed class NonSeekable(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;
    }

    /// <summary>Counts the bytes an upload read from it.</summary>
    private sealed class CountingStream(byte[] content, bool seekable) : Stream
    {
        private readonly MemoryStream _inner = new(content, writable: false);

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => seekable;

        public override bool CanWrite => false;

        public override long Length => seekable ? _inner.Length : throw new NotSupportedException();

        public override long Position
        {
            get => seekable ? _inner.Position : throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public byte[] ToArray() => _inner.ToArray();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = _inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
