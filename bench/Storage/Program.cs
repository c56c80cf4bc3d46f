// The storage market end to end on one in-process silo with seven local providers (six take a 4+2 deal, the seventh,
// dearer, is the spare a repair moves to), in one run:
//   store      DealTransfers.StoreAsync of a file, against File.Copy and a FileStream copy of the same file
//   retrieve   DealTransfers.ReadAsync to a file, against the same two copies
//   repair     one provider loses its fragment directory; an audit finds it and rebuilds the fragment on the spare
// Peak managed memory (sampled every 20 ms, GC.GetTotalMemory without forcing a collection) and the peak bytes the
// transfers held in their buffers (StorageBufferMeter) are reported per phase. The retrieved file is checked against
// the source's SHA-256 (not timed).
//
//   dotnet run -c Release --project bench/Storage [-- --size 1GiB]
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Hosting;
using Marketplace.Grains.Storage;
using Marketplace.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var size = SizeOption(args, "--size", 1L << 30);
const string Client = "bench-client";
const string DealId = "bench-deal";
var folder = Path.Combine(Path.GetTempPath(), "marketplace-storage-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"storage benchmark: {Text(size)} blob, 4+2 on 6 providers, {Environment.ProcessorCount} cores, load average {LoadAverage()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
try
{
    var source = Path.Combine(folder, "source.bin");
    var sourceHash = await WriteSourceAsync(source, size);
    using var sampler = new MemorySampler();

    var fileCopy = Time(() => File.Copy(source, Path.Combine(folder, "file-copy.bin")));
    File.Delete(Path.Combine(folder, "file-copy.bin"));
    var streamCopy = await TimeAsync(async () =>
    {
        await using var from = OpenRead(source);
        await using var to = OpenWrite(Path.Combine(folder, "stream-copy.bin"));
        await from.CopyToAsync(to, 1 << 20);
        to.Flush(flushToDisk: true);
    });
    File.Delete(Path.Combine(folder, "stream-copy.bin"));

    using var host = await StartSiloAsync(folder, size);
    var grains = host.Services.GetRequiredService<IGrainFactory>();
    var transfers = host.Services.GetRequiredService<DealTransfers>();

    sampler.Reset();
    transfers.Meter.Reset();
    DealStatus deal = null!;
    var store = await TimeAsync(async () =>
    {
        await using var from = OpenRead(source);
        deal = await transfers.StoreAsync(Client, DealId, DurabilityPolicy.Dev, long.MaxValue, StorageDeals.DefaultDuration, from, size, CancellationToken.None);
    });
    var storeMemory = (sampler.Peak, transfers.Meter.PeakBytes);

    sampler.Reset();
    transfers.Meter.Reset();
    var retrieved = Path.Combine(folder, "retrieved.bin");
    var retrieve = await TimeAsync(async () =>
    {
        await using var to = OpenWrite(retrieved);
        await transfers.ReadAsync(deal, 0, size, to, CancellationToken.None);
        to.Flush(flushToDisk: true);
    });
    var retrieveMemory = (sampler.Peak, transfers.Meter.PeakBytes);
    if (!(await HashAsync(retrieved)).SequenceEqual(sourceHash))
    {
        Console.Error.WriteLine("the retrieved blob differs from the source");
        return 1;
    }

    File.Delete(retrieved);
    var lost = deal.Fragments[0];
    Directory.Delete(Path.Combine(folder, "providers", lost.ProviderId, DealId), recursive: true);
    sampler.Reset();
    transfers.Meter.Reset();
    var dealGrain = grains.GetGrain<IStorageDealGrain>(DealId);
    DealStatus repaired = null!;
    var repair = await TimeAsync(async () =>
    {
        repaired = await dealGrain.AuditAsync();
        while (repaired.State != DealState.Active || repaired.HealthyFragments < 6)
        {
            await Task.Delay(100);
            repaired = await dealGrain.GetStatusAsync(Client);
        }
    });
    var repairMemory = (sampler.Peak, transfers.Meter.PeakBytes);
    if (repaired.Fragments[0].ProviderId == lost.ProviderId)
    {
        Console.Error.WriteLine("the repair did not move the lost fragment");
        return 1;
    }

    await host.StopAsync();

    Console.WriteLine();
    Console.WriteLine("| phase | seconds | MB/s | vs File.Copy | vs stream copy | peak managed heap | peak transfer buffers |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    Row("File.Copy", fileCopy, null);
    Row("stream copy (1 MiB buffer, fsync)", streamCopy, null);
    Row("store (4+2, 6 providers)", store, storeMemory);
    Row("retrieve", retrieve, retrieveMemory);
    Row($"repair of fragment 0 ({Text(deal.ChunkSize * (long)deal.ChunkCount)}) onto {repaired.Fragments[0].ProviderId}", repair, repairMemory);
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"process peak working set {Text(Process.GetCurrentProcess().PeakWorkingSet64)}; load average at the end {LoadAverage()}"));
    return 0;

    void Row(string phase, TimeSpan time, (long Heap, long Buffers)? memory) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {phase} | {time.TotalSeconds:F2} | {size / 1e6 / time.TotalSeconds:F0} | {time / fileCopy:F2}x | {time / streamCopy:F2}x | {(memory is { } m ? Text(m.Heap) : "")} | {(memory is { } b ? Text(b.Buffers) : "")} |"));
}
finally
{
    try
    {
        Directory.Delete(folder, recursive: true);
    }
    catch (IOException)
    {
        // A handle still open; the temporary folder is cleaned by the OS eventually.
    }
}

static async Task<IHost> StartSiloAsync(string folder, long size)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Logging.ClearProviders();
    var settings = new Dictionary<string, string?>
    {
        ["Marketplace:DataFolder"] = folder,
        ["Marketplace:Storage:MaxDealBytes"] = Math.Max(size, 1).ToString(CultureInfo.InvariantCulture),
        ["Marketplace:Storage:AuditInterval"] = "01:00:00",
        ["Marketplace:Storage:ProviderTimeout"] = "00:05:00",
    };
    for (var i = 0; i < 7; i++)
    {
        var at = $"Marketplace:Storage:Providers:{i}";
        settings[$"{at}:Id"] = $"p{i + 1}";
        settings[$"{at}:CapacityBytes"] = (4 * size).ToString(CultureInfo.InvariantCulture);
        settings[$"{at}:PricePerGiBMonth"] = i < 6 ? "1000000" : "2000000";
    }

    builder.Configuration.AddInMemoryCollection(settings);
    builder.UseOrleans(silo =>
    {
        silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "marketplace-storage-bench");
        silo.AddMarketplaceStreams();
        silo.UseSqliteStorage($"Data Source={Path.Combine(folder, "marketplace.db")}");
        silo.AddMarketplace();
    });
    var host = builder.Build();
    await host.StartAsync();
    return host;
}

static async Task<byte[]> WriteSourceAsync(string path, long size)
{
    var random = new Random(20261124);
    var buffer = new byte[1 << 20];
    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    await using var file = OpenWrite(path);
    for (long written = 0; written < size; written += buffer.Length)
    {
        var n = (int)Math.Min(buffer.Length, size - written);
        random.NextBytes(buffer.AsSpan(0, n));
        hash.AppendData(buffer, 0, n);
        await file.WriteAsync(buffer.AsMemory(0, n));
    }

    file.Flush(flushToDisk: true);
    return hash.GetHashAndReset();
}

static async Task<byte[]> HashAsync(string path)
{
    await using var file = OpenRead(path);
    return await SHA256.HashDataAsync(file);
}

static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

static FileStream OpenWrite(string path) => new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);

static TimeSpan Time(Action action)
{
    var clock = Stopwatch.StartNew();
    action();
    return clock.Elapsed;
}

static async Task<TimeSpan> TimeAsync(Func<Task> action)
{
    var clock = Stopwatch.StartNew();
    await action();
    return clock.Elapsed;
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "unknown";
    }
}

static string Text(long bytes) => bytes switch
{
    >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
    >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):F1} MiB"),
    _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
};

static long SizeOption(string[] args, string name, long fallback)
{
    var i = Array.IndexOf(args, name);
    if (i < 0 || i + 1 >= args.Length)
    {
        return fallback;
    }

    var text = args[i + 1];
    var (digits, unit) = text.EndsWith("GiB", StringComparison.Ordinal) ? (text[..^3], 1L << 30)
        : text.EndsWith("MiB", StringComparison.Ordinal) ? (text[..^3], 1L << 20)
        : text.EndsWith("KiB", StringComparison.Ordinal) ? (text[..^3], 1L << 10)
        : (text, 1L);
    return long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) * unit;
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>The largest managed heap seen since the last reset, sampled every 20 ms on its own thread.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    public MemorySampler()
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                var now = GC.GetTotalMemory(forceFullCollection: false);
                if (now > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, now);
                }

                Thread.Sleep(20);
            }
        })
        { IsBackground = true, Name = "memory sampler" };
        _thread.Start();
    }

    public long Peak => Interlocked.Read(ref _peak);

    public void Reset()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Interlocked.Exchange(ref _peak, GC.GetTotalMemory(forceFullCollection: false));
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
