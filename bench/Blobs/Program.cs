// Chunk store throughput: the same seeded chunks written to and read back from the file store (the embedded silo's,
// with FlushToDisk as shipped) and the PostgreSQL chunk table (a cluster's), in one run, through the stores the silo
// uses (IChunkStore: hash on write, hash check on every read). Writers and readers run --concurrency at a time, as
// the uploads and reads of several clients do. Throughput is MiB of chunk data per second; the PostgreSQL figures are
// also given as a ratio of the file store's from the same round, and the best of --rounds rounds is kept. Space is the
// store's size on disk per GiB of chunks (the folder's files; the table with its TOAST and index).
// Usage: dotnet run -c Release --project bench/Blobs -- --postgres "Host=...;Username=...;Password=..."
//        [--mib 256 --chunk 1048576 --concurrency 4 --rounds 3]   (or MARKETPLACE_POSTGRES for --postgres)
//        dotnet run -c Release --project bench/Blobs -- --http --postgres "..." [--blobs 8 --blob-mib 32 --concurrency 4
//        --rounds 3]   (HttpBench.cs: uploads and downloads through a silo's HTTP API)
//        dotnet run -c Release --project bench/Blobs -- --sweep [--sweep-chunks 50000 --changed 100]   (SweepBench.cs)
using System.Diagnostics;
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Marketplace.Persistence.PostgreSql;
using Marketplace.Silo.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

if (args.Contains("--sweep"))
{
    return await SweepBench.RunAsync(Option("--sweep-chunks", 50_000), Option("--changed", 100));
}

var server = OptionText("--postgres", Environment.GetEnvironmentVariable("MARKETPLACE_POSTGRES") ?? "");
if (server.Length == 0)
{
    Console.Error.WriteLine("give --postgres <connection string> or set MARKETPLACE_POSTGRES (a server where the role may create databases)");
    return 2;
}

const int Seed = 20261126;
if (args.Contains("--http"))
{
    return await HttpBench.RunAsync(server, Option("--blobs", 8), Option("--blob-mib", 32), Option("--concurrency", 4), Option("--rounds", 3), Seed);
}

var mib = Option("--mib", 256);
var chunkSize = Option("--chunk", 1 << 20);
var concurrency = Option("--concurrency", 4);
var rounds = Option("--rounds", 3);
var count = (int)((long)mib * 1024 * 1024 / chunkSize);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"chunk stores: {count} chunks of {chunkSize} bytes ({mib} MiB), {concurrency} at a time, best of {rounds} rounds, seed {Seed}; "
    + $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));

await using (var database = await BenchDatabase.CreateAsync(server, "mkt_bench_chunks_"))
{
    var log = new BlobLog(NullLogger.Instance);
    var best = new BestOfRounds("files");
    for (var round = 0; round < rounds; round++)
    {
        // Each round stores new chunks (another seed per round), so no write is a deduplicated no-op.
        var file = new FileChunkStore(Options.Create(new BlobOptions { ChunkStorePath = Path.Combine(database.Folder, $"round{round}") }), log);
        await using var table = new PostgreSqlChunkStore(new PostgreSqlChunks(database.ConnectionString), log);
        foreach (var (name, store) in new (string, IChunkStore)[] { ("files", file), ("postgresql", table) })
        {
            var (write, read) = await MeasureAsync(store, Seed + round, count, chunkSize, concurrency);
            best.Keep(name, write, read);
        }
    }

    var perGiB = (double)(1L << 30) / ((double)count * chunkSize * rounds);
    var onDisk = new Dictionary<string, double>
    {
        ["files"] = new DirectoryInfo(database.Folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) * perGiB,
        ["postgresql"] = await database.ScalarAsync("SELECT pg_total_relation_size('marketplaceblobchunks')") * perGiB,
    };
    best.Print(["store", "write MiB/s", "read MiB/s", "x files w", "x files r"], ["files", "postgresql"],
        name => string.Create(CultureInfo.InvariantCulture, $" {onDisk[name],22:N0} bytes per GiB stored"));
}

return 0;

static async Task<(double Write, double Read)> MeasureAsync(IChunkStore store, int seed, int count, int chunkSize, int concurrency)
{
    var chunks = new ChunkRef[count];
    var next = -1;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        var bytes = new byte[chunkSize];
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            new Random(unchecked((seed * 1_000_003) + i)).NextBytes(bytes);
            chunks[i] = new ChunkRef { Hash = await store.WriteAsync(bytes), Size = chunkSize };
        }
    })));
    var write = count * (double)chunkSize / (1 << 20) / watch.Elapsed.TotalSeconds;

    next = -1;
    watch.Restart();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        var bytes = new byte[chunkSize];
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            await store.ReadVerifiedAsync("bench", i, chunks[i], bytes);
        }
    })));
    var read = count * (double)chunkSize / (1 << 20) / watch.Elapsed.TotalSeconds;
    return (write, read);
}

int Option(string name, int fallback) => int.Parse(OptionText(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

string OptionText(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
