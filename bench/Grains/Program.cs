// Grain call benchmark on Orleans: dotnet run -c Release --project bench/Grains [-- results.json [seconds-per-scenario]]
// Scenarios: a direct async method call on a grain-like object (baseline), the same call through an Orleans silo
// (grain reference → message → activation turn → response) from host code via the silo's IGrainFactory, a call made
// from inside a grain's turn (host → forward grain → bench grain: two grain calls), and an IClusterClient in a second
// host calling the silo over its TCP gateway on loopback. Silo and client use localhost clustering on free ports, with
// logging off; every figure is a ratio against the baseline of the same run.
// --repeat SCENARIO N (direct | in-silo | grain-to-grain): start the silo, make N sequential calls from one caller and
// exit, for instruction counting with valgrind --tool=callgrind, which is stable on a loaded machine (run N = 10000
// and N = 20000 and divide the difference by 10000; the Orleans silo starts very slowly under it). It also prints the
// process's CPU time and allocated bytes per call over the N calls (use N of a million or more: the first calls run
// before tiered compilation has optimized the path).
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Marketplace.Grains.Bench;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

if (args.Length == 3 && args[0] == "--repeat")
{
    return await RepeatAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
}

var jsonPath = args.Length > 0 ? args[0] : null;
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 3.0;
var duration = TimeSpan.FromSeconds(seconds);
var warmup = TimeSpan.FromSeconds(Math.Min(1.0, seconds / 2));

var (siloPort, gatewayPort) = FreeLoopbackPorts();
using var silo = BuildSilo(siloPort, gatewayPort);
await silo.StartAsync();
var grains = silo.Services.GetRequiredService<IGrainFactory>();

var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
clientBuilder.Logging.ClearProviders().SetMinimumLevel(LogLevel.None);
clientBuilder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort));
using var clientHost = clientBuilder.Build();
await clientHost.StartAsync();
var client = clientHost.Services.GetRequiredService<IClusterClient>();

var results = new List<Measurement>();
IDirectTarget direct = new DirectTarget();
results.Add(await CallBenchmark.RunAsync("direct async call", 1, warmup, duration, (_, i) => direct.Next(i)));

var siloGrain = grains.GetGrain<IBenchGrain>(0);
results.Add(await CallBenchmark.RunAsync("in-silo grain call", 1, warmup, duration, (_, i) => siloGrain.Next(i)));
var siloGrains = Enumerable.Range(0, 64).Select(k => grains.GetGrain<IBenchGrain>(k)).ToArray();
results.Add(await CallBenchmark.RunAsync("in-silo grain call", 64, warmup, duration, (c, i) => siloGrains[c].Next(i)));
var forward = grains.GetGrain<IForwardGrain>(0);
results.Add(await CallBenchmark.RunAsync("host->grain->grain (2 calls)", 1, warmup, duration, (_, i) => forward.Next(i)));
var forwards = Enumerable.Range(0, 64).Select(k => grains.GetGrain<IForwardGrain>(k)).ToArray();
results.Add(await CallBenchmark.RunAsync("host->grain->grain (2 calls)", 64, warmup, duration, (c, i) => forwards[c].Next(i)));

var clientGrain = client.GetGrain<IBenchGrain>(1000);
results.Add(await CallBenchmark.RunAsync("client -> silo (gateway)", 1, warmup, duration, (_, i) => clientGrain.Next(i)));
var clientGrains = Enumerable.Range(1000, 64).Select(k => client.GetGrain<IBenchGrain>(k)).ToArray();
results.Add(await CallBenchmark.RunAsync("client -> silo (gateway)", 64, warmup, duration, (c, i) => clientGrains[c].Next(i)));

await clientHost.StopAsync();
await silo.StopAsync();

var baseline = results[0];
Console.WriteLine($"Grain calls, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per scenario");
Console.WriteLine($"{"scenario",-30} {"callers",7} {"calls/s",12} {"p50 µs",9} {"p99 µs",9} {"p50 vs direct",14} {"p50 overhead µs",16} {"B/call",7} {"at once",8}");
foreach (var m in results)
{
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{m.Scenario,-30} {m.Callers,7} {m.CallsPerSecond,12:N0} {m.P50Micros,9:0.00} {m.P99Micros,9:0.00} {m.P50Micros / baseline.P50Micros,13:0.0}x {m.P50Micros - baseline.P50Micros,16:0.00} {m.AllocatedBytesPerCall,7:0} {m.CompletedAtOnce,8:P0}"));
}

var json = JsonSerializer.Serialize(
    new
    {
        processorCount = Environment.ProcessorCount,
        runtime = Environment.Version.ToString(),
        secondsPerScenario = seconds,
        results = results.Select(m => new
        {
            scenario = m.Scenario,
            callers = m.Callers,
            calls = m.Calls,
            seconds = m.Seconds,
            callsPerSecond = m.CallsPerSecond,
            p50Micros = m.P50Micros,
            p99Micros = m.P99Micros,
            p50OverheadMicros = m.P50Micros - baseline.P50Micros,
            p50RatioToDirect = m.P50Micros / baseline.P50Micros,
            throughputRatioToDirect = m.CallsPerSecond / baseline.CallsPerSecond,
            allocatedBytesPerCall = m.AllocatedBytesPerCall,
            completedAtOnce = m.CompletedAtOnce,
        }),
    },
    new JsonSerializerOptions { WriteIndented = true });
Console.WriteLine(json);
if (jsonPath is not null)
{
    await File.WriteAllTextAsync(jsonPath, json);
}

return 0;

// N sequential calls from one caller (no timing): the process's instruction count minus the N-independent part is
// the cost of N calls.
static async Task<int> RepeatAsync(string scenario, int count)
{
    var (siloPort, gatewayPort) = FreeLoopbackPorts();
    using var host = BuildSilo(siloPort, gatewayPort);
    await host.StartAsync();
    var grains = host.Services.GetRequiredService<IGrainFactory>();
    IDirectTarget direct = new DirectTarget();
    var bench = grains.GetGrain<IBenchGrain>(0);
    var forward = grains.GetGrain<IForwardGrain>(0);
    Func<int, Task<int>> call = scenario switch
    {
        "direct" => direct.Next,
        "in-silo" => bench.Next,
        "grain-to-grain" => forward.Next,
        _ => throw new ArgumentException("scenario: direct, in-silo or grain-to-grain"),
    };
    await call(-1);
    var cpuBefore = Environment.CpuUsage.TotalTime;
    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var completedAtOnce = await Task.Run(async () =>
    {
        var atOnce = 0;
        for (var i = 0; i < count; i++)
        {
            var pending = call(i);
            atOnce += pending.IsCompleted ? 1 : 0;
            if (await pending != i + 1)
            {
                throw new InvalidOperationException($"Wrong result for {i}.");
            }
        }

        return atOnce;
    });
    var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
    var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{scenario}: {count} calls, {completedAtOnce} completed before the call returned (no thread-pool hop); whole process per call: {cpu.TotalMicroseconds / count:0.00} µs CPU, {(double)allocated / count:0} B allocated"));
    await host.StopAsync();
    return 0;
}

// A silo host with localhost clustering on the given ports and logging off.
static IHost BuildSilo(int siloPort, int gatewayPort)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.None);
    builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort, gatewayPort));
    return builder.Build();
}

// Two distinct free TCP ports on loopback (both listeners are held until both ports are known).
static (int SiloPort, int GatewayPort) FreeLoopbackPorts()
{
    var first = new TcpListener(IPAddress.Loopback, 0);
    var second = new TcpListener(IPAddress.Loopback, 0);
    first.Start();
    second.Start();
    try
    {
        return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
    }
    finally
    {
        first.Stop();
        second.Stop();
    }
}
