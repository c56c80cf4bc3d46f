// In-silo grain call benchmark: one silo in this process, generated proxies, real scheduler.
//   dotnet run --project bench/Grains -c Release [-- seconds]
// Prints sequential awaited-call latency (one caller, one grain) and throughput with many concurrent callers spread
// over 1,000 grains, plus allocations per call.
using System.Diagnostics;
using Marketplace.Runtime;
using Marketplace.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.ClearProviders();
builder.UseMarketplaceSilo();
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

var one = grains.GetGrain<IPingGrain>(0);
for (var i = 0; i < 50_000; i++)
{
    await one.Ping(i);
}

// Sequential latency.
var sw = Stopwatch.StartNew();
long calls = 0;
var allocated = GC.GetAllocatedBytesForCurrentThread();
var totalAllocated = GC.GetTotalAllocatedBytes(precise: true);
while (sw.Elapsed.TotalSeconds < seconds)
{
    for (var i = 0; i < 1000; i++)
    {
        await one.Ping(i);
    }

    calls += 1000;
}

var sequentialNs = sw.Elapsed.TotalNanoseconds / calls;
var bytesPerCall = (GC.GetTotalAllocatedBytes(precise: true) - totalAllocated) / (double)calls;
Console.WriteLine($"sequential: {calls:N0} calls, {sequentialNs / 1000:F2} us/call, {bytesPerCall:F0} B allocated/call");

// Concurrent throughput over 1,000 grains.
var workers = Environment.ProcessorCount * 64;
var references = Enumerable.Range(0, 1000).Select(i => grains.GetGrain<IPingGrain>(i)).ToArray();
long total = 0;
sw.Restart();
var deadline = TimeSpan.FromSeconds(seconds);
await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
{
    long local = 0;
    var grain = references[w % references.Length];
    while (sw.Elapsed < deadline)
    {
        for (var i = 0; i < 100; i++)
        {
            await grain.Ping(i);
        }

        local += 100;
    }

    Interlocked.Add(ref total, local);
}));
var rate = total / sw.Elapsed.TotalSeconds;
Console.WriteLine($"concurrent: {workers} callers over 1,000 grains, {total:N0} calls, {rate:N0} calls/s, {1e6 / rate:F2} us/call amortized on {Environment.ProcessorCount} cores");
await host.StopAsync();
return 0;

/// <summary>The benchmark grain interface.</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    /// <summary>Returns its argument.</summary>
    ValueTask<int> Ping(int value);
}

/// <summary>The benchmark grain.</summary>
public sealed class PingGrain : Grain, IPingGrain
{
    /// <inheritdoc />
    public ValueTask<int> Ping(int value) => new(value);
}
