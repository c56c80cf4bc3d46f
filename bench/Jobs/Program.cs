// Jobs benchmark: dotnet run -c Release --project bench/Jobs [-- --jobs 5000 --concurrency 64 --latency-jobs 500 --input-bytes 11 --memory-storage]
// One silo on the embedded defaults (SQLite state and reminders in a temp folder, memory streams) with 4 workers runs
// a trivial program (trivial.wat: returns its input) end to end: submit -> matching (announce, bids, score) ->
// worker executor -> program runner -> output blob -> report -> completion event. Baseline: the same wasm function
// called directly on the silo's Wasmtime engine in the same process (a fresh store and instance per call, as a run does).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Hosting;
using Marketplace.Jobs.Bench;
using Marketplace.Persistence.Sqlite;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var jobs = Option(args, "--jobs", 5_000);
var concurrency = Option(args, "--concurrency", 64);
var latencyJobs = Option(args, "--latency-jobs", 500);
var inputBytes = Option(args, "--input-bytes", 11);
// Warm-up at full concurrency before measuring: the runtime's tiered JIT (with dynamic PGO) needs thousands of jobs
// before the hot paths run optimized code; a short warm-up measures the JIT, not the marketplace.
var warmupJobs = Option(args, "--warmup-jobs", 10_000);
var memoryStorage = args.Contains("--memory-storage"); // diagnostic: grain state and reminders in memory instead of SQLite
var input = "hello world"u8.ToArray().AsSpan(0, Math.Min(11, inputBytes)).ToArray(); // 0: empty output, no output blob
var wasm = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "trivial.wasm"));
Console.WriteLine($"command: dotnet run -c Release --project bench/Jobs -- --jobs {jobs} --concurrency {concurrency} --latency-jobs {latencyJobs} --input-bytes {input.Length} --warmup-jobs {warmupJobs}{(memoryStorage ? " --memory-storage" : "")}");
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, input {input.Length} bytes");

// Baseline: the same function through the engine directly.
var baseline = DirectCalls.Measure(wasm, input, TimeSpan.FromSeconds(2));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"direct wasm call on Wasmtime (store + instance + call per run): {baseline.CallsPerSecond:N0} calls/s on 1 thread, p50 {baseline.P50Micros:0.0} µs; cold compile {baseline.ColdCompileMs:0.0} ms; warm instantiate p50 {baseline.InstantiateP50Micros:0.0} µs"));

var folder = Path.Combine(Path.GetTempPath(), "marketplace-jobs-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
var settings = new Dictionary<string, string?>
{
    ["Marketplace:DataFolder"] = folder,
};
for (var i = 0; i < 4; i++)
{
    settings[$"Marketplace:Workers:{i}:Id"] = $"bench-w{i + 1}";
    settings[$"Marketplace:Workers:{i}:Capacity"] = "1";
    settings[$"Marketplace:Workers:{i}:MaxQueueDepth"] = "4096";
}

// --set key=value (repeatable): any silo setting, e.g. --set Marketplace:Blobs:FlushToDisk=false
for (var i = 0; i + 1 < args.Length; i++)
{
    if (args[i] == "--set" && args[i + 1].Split('=', 2) is [var key, var value])
    {
        settings[key] = value;
        Console.WriteLine($"setting {key} = {value}");
    }
}

builder.Configuration.AddInMemoryCollection(settings);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "marketplace-jobs-bench");
    silo.AddMarketplaceStreams();
    if (memoryStorage)
    {
        silo.AddMemoryGrainStorageAsDefault();
        silo.AddMemoryGrainStorage("PubSubStore");
        silo.UseInMemoryReminderService();
    }
    else
    {
        silo.UseSqliteStorage($"Data Source={Path.Combine(folder, "marketplace.db")}");
    }
    silo.AddMarketplace();
});
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();
var directory = grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
while ((await directory.ListOnlineIdsAsync()).Length < 4)
{
    await Task.Delay(10);
}

var program = await BenchPrograms.DeployAsync(grains, wasm);
var client = "bench";
var waiters = new ConcurrentDictionary<string, TaskCompletionSource<JobSummary>>();
await host.Services.GetRequiredService<IClusterClient>().GetStreamProvider(MarketplaceStreams.Provider)
    .GetStream<JobSummary>(StreamId.Create(JobEvents.Namespace, client))
    .SubmitAndWatch(waiters);

async Task<(JobInfo Info, DateTimeOffset SubmittedAt)> RunOneAsync()
{
    var submission = new JobSubmission { ClientId = client, Program = program, InputInline = input, MaxRetries = 0 };
    var id = JobIds.For(client, null);
    var done = new TaskCompletionSource<JobSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
    waiters[id] = done;
    var submittedAt = DateTimeOffset.UtcNow;
    var job = grains.GetGrain<IJobGrain>(id);
    await job.SubmitAsync(submission);
    var summary = await done.Task;
    if (summary.Status != JobStatus.Completed)
    {
        var failed = await job.GetAsync(client);
        throw new InvalidOperationException($"job {id} ended {summary.Status}: {failed.FailureReason} {failed.ErrorMessage}");
    }

    return (await job.GetAsync(client), submittedAt);
}

// Warm-up: the same load as the throughput phase.
var warmupClock = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, warmupJobs), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, _) => await RunOneAsync());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: {warmupJobs} jobs at {concurrency} concurrent clients, {warmupJobs / warmupClock.Elapsed.TotalSeconds:N0} jobs/s (not counted)"));

// Latency: one job at a time.
var startLatency = new List<double>(latencyJobs);
var endToEnd = new List<double>(latencyJobs);
for (var i = 0; i < latencyJobs; i++)
{
    var (info, submittedAt) = await RunOneAsync();
    startLatency.Add((info.StartedAt!.Value - submittedAt).TotalMilliseconds);
    endToEnd.Add((info.CompletedAt!.Value - submittedAt).TotalMilliseconds);
}

// Throughput: `concurrency` clients submitting back to back.
var clock = Stopwatch.StartNew();
var remaining = jobs;
var loadedStart = new ConcurrentBag<double>();
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
{
    while (Interlocked.Decrement(ref remaining) >= 0)
    {
        var (info, submittedAt) = await RunOneAsync();
        loadedStart.Add((info.StartedAt!.Value - submittedAt).TotalMilliseconds);
    }
}));
var seconds = clock.Elapsed.TotalSeconds;
var jobsPerSecond = jobs / seconds;
await host.StopAsync();
try
{
    Directory.Delete(folder, recursive: true);
}
catch (IOException)
{
    // Left for the OS to clean.
}

var loaded = loadedStart.ToList();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"jobs end to end ({concurrency} concurrent clients, {jobs} jobs): {jobsPerSecond:N0} jobs/s = {jobsPerSecond / baseline.CallsPerSecond:P2} of direct calls ({baseline.CallsPerSecond / jobsPerSecond:N0}x slower); goal >= 2,000 jobs/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  under that load, submit->start p50 {Percentile(loaded, 0.50):0.00} ms, p99 {Percentile(loaded, 0.99):0.00} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one job at a time ({latencyJobs} jobs): submit->start p50 {Percentile(startLatency, 0.50):0.00} ms, p99 {Percentile(startLatency, 0.99):0.00} ms; submit->completed p50 {Percentile(endToEnd, 0.50):0.00} ms, p99 {Percentile(endToEnd, 0.99):0.00} ms; goal p50 < 5 ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  p50 submit->completed vs direct call p50: {Percentile(endToEnd, 0.50) * 1000 / baseline.P50Micros:N0}x"));
return 0;

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static int Option(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Percentile(List<double> values, double p)
{
    values.Sort();
    return values.Count == 0 ? double.NaN : values[Math.Min(values.Count - 1, (int)(p * values.Count))];
}
