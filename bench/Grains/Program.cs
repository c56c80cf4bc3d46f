// Grain call benchmark: dotnet run -c Release --project bench/Grains [-- results.json [seconds-per-scenario]]
// Scenarios: a direct async method call on a grain object (baseline), the same call through the in-silo runtime
// (proxy → message → activation turn → response), and client → silo over the TCP gateway on loopback.
using System.Globalization;
using System.Text.Json;
using Marketplace.Grains.Bench;
using Marketplace.Runtime;
using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Networking;
using Marketplace.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var jsonPath = args.Length > 0 ? args[0] : null;
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 3.0;
var duration = TimeSpan.FromSeconds(seconds);
var warmup = TimeSpan.FromSeconds(Math.Min(1.0, seconds / 2));

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.ClearProviders();
builder.UseMarketplaceSilo(silo => silo.AddGrainAssembly(typeof(BenchGrain).Assembly).UseGateway(o => o.Port = 0));
using var host = builder.Build();
await host.StartAsync();
var gateway = host.Services.GetRequiredService<GatewayListener>().Endpoint!;
var grains = host.Services.GetRequiredService<IGrainFactory>();

await using var client = new ClientBuilder().Configure(o => o.GatewayEndpoints.Add(gateway.ToString())).Build();
await client.ConnectAsync();

var results = new List<Measurement>();
IDirectTarget direct = new DirectTarget();
results.Add(await CallBenchmark.RunAsync("direct async call", 1, warmup, duration, (_, i) => direct.Next(i)));

var siloGrain = grains.GetGrain<IBenchGrain>(0);
results.Add(await CallBenchmark.RunAsync("in-silo grain call", 1, warmup, duration, (_, i) => siloGrain.Next(i)));
var siloGrains = Enumerable.Range(0, 64).Select(k => grains.GetGrain<IBenchGrain>(k)).ToArray();
results.Add(await CallBenchmark.RunAsync("in-silo grain call", 64, warmup, duration, (c, i) => siloGrains[c].Next(i)));

var clientGrain = client.GetGrain<IBenchGrain>(1000);
results.Add(await CallBenchmark.RunAsync("client -> silo (gateway)", 1, warmup, duration, (_, i) => clientGrain.Next(i)));
var clientGrains = Enumerable.Range(1000, 64).Select(k => client.GetGrain<IBenchGrain>(k)).ToArray();
results.Add(await CallBenchmark.RunAsync("client -> silo (gateway)", 64, warmup, duration, (c, i) => clientGrains[c].Next(i)));

await client.CloseAsync();
await host.StopAsync();

var baseline = results[0];
Console.WriteLine($"Grain calls, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per scenario");
Console.WriteLine($"{"scenario",-26} {"callers",7} {"calls/s",12} {"p50 µs",9} {"p99 µs",9} {"p50 vs direct",14} {"p50 overhead µs",16}");
foreach (var m in results)
{
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{m.Scenario,-26} {m.Callers,7} {m.CallsPerSecond,12:N0} {m.P50Micros,9:0.00} {m.P99Micros,9:0.00} {m.P50Micros / baseline.P50Micros,13:0.0}x {m.P50Micros - baseline.P50Micros,16:0.00}"));
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
        }),
    },
    new JsonSerializerOptions { WriteIndented = true });
Console.WriteLine(json);
if (jsonPath is not null)
{
    await File.WriteAllTextAsync(jsonPath, json);
}

return 0;
