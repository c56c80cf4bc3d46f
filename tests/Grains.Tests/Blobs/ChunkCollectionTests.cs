using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Xunit.Abstractions;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>Chunks no blob references are deleted once past their grace: those of aborted and refused uploads and of
/// blobs given up by their last owner. Chunks a stored blob uses, chunks written again meanwhile and chunks stored
/// before references existed stay.</summary>
public sealed class ChunkCollectionTests(ITestOutputHelper output)
{
    private const int ChunkSize = 4096;
    private static readonly TimeSpan Grace = new BlobOptions().UnreferencedChunkGrace;

    [Fact]
    public async Task AThousandAbortedOrRefusedUploadsLeaveNoBytesAfterTheGrace()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:ChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Blobs:MaxBlobBytes"] = (64 * ChunkSize).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Blobs:StoredBytesPerClient:tight"] = "1",
        });
        var store = silo.Services.GetRequiredService<FileChunkStore>();
        var kept = RandomBytes(900, 3 * ChunkSize + 17);
        var keptBlob = await UploadAsync(silo.Grains, kept);
        var before = ChunkFiles(store.RootPath).Count;

        const int Uploads = 1000;
        var seed = 4100;
        output.WriteLine($"seed {seed}");
        var refused = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Uploads), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var upload = silo.Grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
            await upload.BeginAsync(BlobCaller.Silo);
            await upload.AppendAtAsync(0, RandomBytes(seed + i, (2 * ChunkSize) + 100));
            if (i % 10 == 0)
            {
                // Refused at registration by the client's quota of one byte: its chunks were written all the same.
                await Assert.ThrowsAsync<QuotaExceededException>(() => upload.CompleteAsync(null, BlobCaller.Client("tight")));
                Interlocked.Increment(ref refused);
            }
            else
            {
                await upload.AbortAsync();
            }
        });

        var written = ChunkFiles(store.RootPath).Count - before;
        output.WriteLine($"{Uploads} uploads ({refused} refused by the quota, the rest aborted) left {written} chunk files");
        Assert.True(written >= 2 * Uploads, $"{written} chunk files written by {Uploads} uploads of two full chunks each");

        // Before the grace has passed nothing goes; after it, every chunk of those uploads goes and the kept blob stays.
        Assert.Equal(0, (await Collector(silo, Grace - TimeSpan.FromMinutes(1)).CollectAsync()).Chunks);
        var swept = await Collector(silo, Grace + TimeSpan.FromMinutes(1)).CollectAsync();
        Assert.Equal(written, swept.Chunks);
        Assert.Equal(before, ChunkFiles(store.RootPath).Count);
        Assert.Equal(kept, await DownloadAsync(silo.Grains, keptBlob.Id));
        Assert.Equal(0L, (await silo.Grains.GetGrain<IClientStorageGrain>("tight").GetAsync()).StoredBytes);
    }

    [Fact]
    public async Task AGivenUpBlobLosesTheChunksOnlyItUsedAndKeepsTheSharedOnes()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:ChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Blobs:MaxBlobBytes"] = (64 * ChunkSize).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var store = silo.Services.GetRequiredService<FileChunkStore>();
        var x = RandomBytes(910, ChunkSize);
        var y = RandomBytes(911, ChunkSize);
        var z = RandomBytes(912, ChunkSize);
        var alice = BlobCaller.Client("alice");
        var a = await BlobTransfer.UploadAsync(silo.Grains, alice, new MemoryStream([.. x, .. y]), null, null, CancellationToken.None);
        var b = await BlobTransfer.UploadAsync(silo.Grains, alice, new MemoryStream([.. y, .. z]), null, null, CancellationToken.None);
        Assert.Equal(3, ChunkFiles(store.RootPath).Count);

        await silo.Grains.GetGrain<IBlobGrain>(a.Id).DeleteAsync(alice);
        var swept = await Collector(silo, Grace + TimeSpan.FromMinutes(1)).CollectAsync();

        Assert.Equal(new ChunkSweep(1, ChunkSize), swept);
        Assert.False(File.Exists(store.PathOf(a.Chunks[0].Hash)));
        var target = new MemoryStream();
        await BlobTransfer.DownloadAsync(silo.Grains, alice, b.Id, target, 0, null, null, CancellationToken.None);
        Assert.Equal([.. y, .. z], target.ToArray());

        // The last blob given up too: nothing is left.
        await silo.Grains.GetGrain<IBlobGrain>(b.Id).DeleteAsync(alice);
        Assert.Equal(2, (await Collector(silo, Grace + TimeSpan.FromMinutes(1)).CollectAsync()).Chunks);
        Assert.Empty(ChunkFiles(store.RootPath));
    }

    [Fact]
    public async Task TwoClientsUploadingTheSameBytesWhileOneDeletesNeverLoseTheOthersCopy()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:ChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Blobs:MaxBlobBytes"] = (64 * ChunkSize).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var store = silo.Services.GetRequiredService<FileChunkStore>();
        var content = RandomBytes(913, (3 * ChunkSize) + 100);
        var alice = BlobCaller.Client("alice");
        var bob = BlobCaller.Client("bob");

        // Round after round alice uploads the bytes and gives them up while bob uploads the same bytes.
        string? id = null;
        for (var round = 0; round < 20; round++)
        {
            var alices = Task.Run(async () =>
            {
                var mine = await BlobTransfer.UploadAsync(silo.Grains, alice, new MemoryStream(content), null, null, CancellationToken.None);
                await silo.Grains.GetGrain<IBlobGrain>(mine.Id).DeleteAsync(alice);
                return mine.Id;
            });
            var bobs = Task.Run(() => BlobTransfer.UploadAsync(silo.Grains, bob, new MemoryStream(content), null, null, CancellationToken.None));
            id = (await bobs).Id;
            Assert.Equal(id, await alices);
        }

        // Bob's copy stands, through a sweep past the grace; alice is charged nothing, bob once.
        Assert.Equal(new ChunkSweep(0, 0), await Collector(silo, Grace + TimeSpan.FromMinutes(1)).CollectAsync());
        var target = new MemoryStream();
        await BlobTransfer.DownloadAsync(silo.Grains, bob, id!, target, 0, null, null, CancellationToken.None);
        Assert.Equal(content, target.ToArray());
        Assert.Equal(0, (await silo.Grains.GetGrain<IClientStorageGrain>("alice").GetAsync()).StoredBytes);
        Assert.Equal(content.Length, (await silo.Grains.GetGrain<IClientStorageGrain>("bob").GetAsync()).StoredBytes);

        // Once bob gives it up too, the sweep leaves nothing.
        await silo.Grains.GetGrain<IBlobGrain>(id!).DeleteAsync(bob);
        Assert.Equal(4, (await Collector(silo, Grace + TimeSpan.FromMinutes(1)).CollectAsync()).Chunks);
        Assert.Empty(ChunkFiles(store.RootPath));
    }

    [Fact]
    public async Task AChunkWrittenAgainIsKeptForAnotherGraceAndAReferencedChunkForever()
    {
        var folder = NewFolder();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var store = OpenStore(folder, clock);
        var again = RandomBytes(920, ChunkSize);
        var held = RandomBytes(921, ChunkSize);
        var hashAgain = await store.WriteAsync(again);
        var hashHeld = await store.WriteAsync(held);
        var blobId = "blob" + new string('a', 64);
        await store.AddReferencesAsync(blobId, [new ChunkRef { Hash = hashHeld, Size = ChunkSize }]);

        // An upload of the same bytes three hours later renews the chunk's last write.
        clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(hashAgain, await store.WriteAsync(again));
        Assert.Equal(new ChunkSweep(0, 0), await store.SweepAsync(clock.GetUtcNow() - TimeSpan.FromMinutes(1), 100));
        Assert.True(File.Exists(store.PathOf(hashAgain)));

        Assert.Equal(new ChunkSweep(1, ChunkSize), await store.SweepAsync(clock.GetUtcNow() + TimeSpan.FromMinutes(1), 100));
        Assert.False(File.Exists(store.PathOf(hashAgain)));
        Assert.True(File.Exists(store.PathOf(hashHeld)));

        // Removing the reference twice is as once; then the chunk goes too.
        await store.RemoveReferencesAsync(blobId, [new ChunkRef { Hash = hashHeld, Size = ChunkSize }]);
        await store.RemoveReferencesAsync(blobId, [new ChunkRef { Hash = hashHeld, Size = ChunkSize }]);
        Assert.Equal(new ChunkSweep(1, ChunkSize), await store.SweepAsync(clock.GetUtcNow() + TimeSpan.FromMinutes(1), 100));

        // A chunk swept away is simply written anew by the next upload of its bytes.
        Assert.Equal(hashAgain, await store.WriteAsync(again));
        Assert.Equal(again, await File.ReadAllBytesAsync(store.PathOf(hashAgain)));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "tmp")));
    }

    [Fact]
    public async Task ChunksStoredBeforeReferencesExistedAreNeverCollected()
    {
        var folder = NewFolder();
        var bytes = RandomBytes(930, ChunkSize);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var path = Path.Combine(folder, hash[..2], hash[2..4], hash);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes);
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var store = OpenStore(folder, TimeProvider.System);
        Assert.Equal(new ChunkSweep(0, 0), await store.SweepAsync(DateTimeOffset.UtcNow + TimeSpan.FromDays(365), 100));
        Assert.True(File.Exists(path));

        // Opened again (references ready): the pin stays, and a chunk written since is collected as usual.
        store = OpenStore(folder, TimeProvider.System);
        var fresh = await store.WriteAsync(RandomBytes(931, ChunkSize));
        Assert.Equal(new ChunkSweep(1, ChunkSize), await store.SweepAsync(DateTimeOffset.UtcNow + TimeSpan.FromDays(1), 100));
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(store.PathOf(fresh)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UploadsOfTheSameBytesWhileASweepRunsNeverLoseAChunk(bool journalSweep)
    {
        var folder = NewFolder();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var store = OpenStore(folder, clock);
        const int Chunks = 300;
        var contents = Enumerable.Range(0, Chunks).Select(i => RandomBytes(940 + i, 1024)).ToArray();
        foreach (var c in contents)
        {
            await store.WriteAsync(c);
        }

        if (journalSweep)
        {
            // The store's first sweep walks every file; after it, sweeps read the marks, and that is the one raced.
            Assert.Equal(new ChunkSweep(0, 0), await store.SweepAsync(clock.GetUtcNow() - TimeSpan.FromHours(1), Chunks));
        }

        // Every chunk is past its grace when the sweep starts; uploads of all of them run at the same time.
        clock.Advance(TimeSpan.FromHours(3));
        var cutoff = clock.GetUtcNow() - TimeSpan.FromHours(1);
        var sweep = Task.Run(() => store.SweepAsync(cutoff, Chunks));
        var writes = Task.WhenAll(contents.Select(c => Task.Run(() => store.WriteAsync(c))));
        await writes;
        var swept = await sweep;
        output.WriteLine($"the sweep deleted {swept.Chunks} of {Chunks} chunks while they were written again");

        foreach (var c in contents)
        {
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(c));
            Assert.Equal(c, await File.ReadAllBytesAsync(store.PathOf(hash)));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "tmp")));
    }

    [Fact]
    public async Task AfterTheFirstSweepASweepLooksOnlyAtTheChunksThatChangedAndARestartFindsWhatACrashLeftUnmarked()
    {
        var folder = NewFolder();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 4, 0, 0, TimeSpan.Zero));
        var store = OpenStore(folder, clock);
        var blobId = "blob" + new string('b', 64);
        var held = new List<ChunkRef>();
        for (var i = 0; i < 50; i++)
        {
            held.Add(new ChunkRef { Hash = await store.WriteAsync(RandomBytes(960 + i, ChunkSize)), Size = ChunkSize });
        }

        await store.AddReferencesAsync(blobId, held);
        var loose = await store.WriteAsync(RandomBytes(1010, ChunkSize));

        // The first sweep walks every chunk file: all 51 are in their grace, so none goes.
        Assert.Equal(new ChunkSweep(0, 0), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));
        Assert.Equal(51, store.LastSweepVisited);

        // The next looks at the 51 marks of the writes: the held chunks lose theirs, the loose one, still in its grace,
        // keeps its mark (taken away and put back, once) and is looked at by every sweep until it goes.
        Assert.Equal(new ChunkSweep(0, 0), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));
        Assert.Equal(51, store.LastSweepVisited);
        Assert.Equal(new ChunkSweep(0, 0), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));
        Assert.Equal(1, store.LastSweepVisited);
        clock.Advance(Grace + TimeSpan.FromMinutes(1));
        Assert.Equal(new ChunkSweep(1, ChunkSize), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));
        Assert.Equal(1, store.LastSweepVisited);
        Assert.False(File.Exists(store.PathOf(loose)));

        // Nothing changed: nothing to look at. A removed reference marks its chunk, and only that one is looked at.
        Assert.Equal(new ChunkSweep(0, 0), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));
        Assert.Equal(0, store.LastSweepVisited);
        await store.RemoveReferencesAsync(blobId, [held[7]]);
        Assert.Equal(new ChunkSweep(1, ChunkSize), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));
        Assert.Equal(1, store.LastSweepVisited);
        Assert.False(File.Exists(store.PathOf(held[7].Hash)));
        Assert.True(File.Exists(store.PathOf(held[8].Hash)));

        // A chunk whose mark a crash lost (placed by hand, old) is not seen by the journal, and is by the first sweep
        // of the store opened again.
        var orphan = RandomBytes(1011, ChunkSize);
        var orphanHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(orphan));
        var orphanPath = store.PathOf(orphanHash);
        Directory.CreateDirectory(Path.GetDirectoryName(orphanPath)!);
        await File.WriteAllBytesAsync(orphanPath, orphan);
        File.SetLastWriteTimeUtc(orphanPath, (clock.GetUtcNow() - Grace - TimeSpan.FromHours(1)).UtcDateTime);
        Assert.Equal(new ChunkSweep(0, 0), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));
        Assert.True(File.Exists(orphanPath));

        store = OpenStore(folder, clock);
        Assert.Equal(new ChunkSweep(1, ChunkSize), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));
        Assert.Equal(50, store.LastSweepVisited);
        Assert.False(File.Exists(orphanPath));
        Assert.Equal(49, ChunkFiles(store.RootPath).Count);
    }

    [Fact]
    public async Task AMarkThatCannotBeWrittenFailsNoWriteAndTheNextSweepWalksEveryFile()
    {
        var folder = NewFolder();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 4, 30, 0, TimeSpan.Zero));
        var store = OpenStore(folder, clock);
        Assert.Equal(new ChunkSweep(0, 0), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));

        // A file where the mark's folder belongs: the mark cannot be written.
        var bytes = RandomBytes(1020, ChunkSize);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Directory.CreateDirectory(Path.Combine(folder, FileChunkStore.UnsweptFolderName));
        await File.WriteAllTextAsync(Path.Combine(folder, FileChunkStore.UnsweptFolderName, hash[..2]), "in the way");

        Assert.Equal(hash, await store.WriteAsync(bytes));
        Assert.True(File.Exists(store.PathOf(hash)));
        clock.Advance(Grace + TimeSpan.FromMinutes(1));
        Assert.Equal(new ChunkSweep(1, ChunkSize), await store.SweepAsync(clock.GetUtcNow() - Grace, 100));
        Assert.Equal(1, store.LastSweepVisited);
        Assert.False(File.Exists(store.PathOf(hash)));
    }

    private static ChunkCollector Collector(MarketplaceTestSilo silo, TimeSpan later)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + later);
        return new ChunkCollector(
            silo.Services.GetRequiredService<IChunkStore>(),
            silo.Services.GetRequiredService<IOptions<BlobOptions>>(),
            silo.Services.GetRequiredService<BlobLog>(),
            clock);
    }

    private static FileChunkStore OpenStore(string folder, TimeProvider clock) =>
        new(Options.Create(new BlobOptions { ChunkStorePath = folder, FlushToDisk = false }), new BlobLog(NullLogger.Instance), clock);

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-tests", "chunks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
