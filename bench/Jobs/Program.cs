// Jobs benchmark: dotnet run -c Release --project bench/Jobs [-- --jobs 5000 --concurrency 64 --latency-jobs 500 --input-bytes 11 --memory-storage --silos 3]
// Silos on the embedded defaults (SQLite state and reminders in a temp folder, the marketplace's streams) with 4 workers run a
// trivial program (trivial.wat: returns its input) end to end: submit -> matching (announce, bids, score) -> worker
// executor -> program runner -> output blob -> report -> completion event. Baseline: the same wasm function called
// directly on the silo's Wasmtime engine in the same process (a fresh store and instance per call, as a run does).
// --silos N (N > 1): the same 4 workers spread over N silos of one cluster in this process (worker i on silo i mod N),
// jobs submitted round-robin through the silos' grain factories; the 1-silo configuration runs first in the same
// process and the N-silo figure is printed as a ratio to it.
// --count: grain calls by method and grain state writes and reads per job of the throughput phase (PerJobCounts.cs).
// --broadcast-probe: delivery latency of one announcement to many grains over 3 silos, memory stream against
// broadcast channel (BroadcastProbe.cs); no jobs run.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Hosting;
using Marketplace.Jobs.Bench;
using Microsoft.Extensions.DependencyInjection;

if (args.Contains("--broadcast-probe"))
{
    return await BroadcastProbe.RunAsync(args);
}

var jobs = Option(args, "--jobs", 5_000);
var concurrency = Option(args, "--concurrency", 64);
var latencyJobs = Option(args, "--latency-jobs", 500);
var inputBytes = Option(args, "--input-bytes", 11);
var silos = Option(args, "--silos", 1);
// Warm-up at full concurrency before measuring: the runtime's tiered JIT (with dynamic PGO) needs thousands of jobs
// before the hot paths run optimized code; a short warm-up measures the JIT, not the marketplace.
var warmupJobs = Option(args, "--warmup-jobs", 10_000);
var memoryStorage = args.Contains("--memory-storage");
using var counts = args.Contains("--count") ? new PerJobCounts() : null; // diagnostic: grain state and reminders in memory instead of SQLite
var input = "hello world"u8.ToArray().AsSpan(0, Math.Min(11, inputBytes)).ToArray(); // 0: empty output, no output blob
var wasm = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "trivial.wasm"));
Console.WriteLine($"command: dotnet run -c Release --project bench/Jobs -- --jobs {jobs} --concurrency {concurrency} --latency-jobs {latencyJobs} --input-bytes {input.Length} --warmup-jobs {warmupJobs}{(memoryStorage ? " --memory-storage" : "")}{(silos > 1 ? $" --silos {silos}" : "")}");
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, input {input.Length} bytes");

// Baseline: the same function through the engine directly.
var baseline = DirectCalls.Measure(wasm, input, TimeSpan.FromSeconds(2));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"direct wasm call on Wasmtime (store + instance + call per run): {baseline.CallsPerSecond:N0} calls/s on 1 thread, p50 {baseline.P50Micros:0.0} µs; cold compile {baseline.ColdCompileMs:0.0} ms; warm instantiate p50 {baseline.InstantiateP50Micros:0.0} µs"));

// --set key=value (repeatable): any silo setting, e.g. --set Marketplace:Blobs:FlushToDisk=false
var common = new Dictionary<string, string?>();
for (var i = 0; i + 1 < args.Length; i++)
{
    if (args[i] == "--set" && args[i + 1].Split('=', 2) is [var key, var value])
    {
        common[key] = value;
        Console.WriteLine($"setting {key} = {value}");
    }
}

var single = await MeasureAsync(1);
if (silos > 1)
{
    var many = await MeasureAsync(silos);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{silos} silos vs 1 silo in this run: {many:N0} / {single:N0} jobs/s = {many / single:0.00}x"));
}

return 0;

// One configuration: `siloCount` silos sharing 4 workers; returns the throughput phase's jobs/s.
async Task<double> MeasureAsync(int siloCount)
{
    Console.WriteLine($"--- {siloCount} silo(s), 4 workers (worker i on silo i mod {siloCount}), jobs submitted round-robin through the silos");
    await using var cluster = await BenchCluster.StartAsync(siloCount, common, silo =>
    {
        // One bench client keeps up to --concurrency jobs in flight: the defaults (500 unfinished jobs, a list of
        // 1,000) hold unless --concurrency is larger.
        var settings = new Dictionary<string, string?>
        {
            ["Marketplace:Jobs:MaxUnfinishedJobsPerClient"] = Math.Max(500, concurrency).ToString(CultureInfo.InvariantCulture),
            ["Marketplace:Jobs:MaxClientJobs"] = Math.Max(1_000, concurrency).ToString(CultureInfo.InvariantCulture),
        };
        var n = 0;
        for (var w = silo; w < 4; w += siloCount)
        {
            settings[$"Marketplace:Workers:{n}:Id"] = $"bench-w{w + 1}";
            settings[$"Marketplace:Workers:{n}:Capacity"] = "1";
            settings[$"Marketplace:Workers:{n}:MaxQueueDepth"] = "4096";
            n++;
        }

        if (n == 0)
        {
            settings["Marketplace:Jobs:DefaultWorkers"] = "0";
        }

        return settings;
    }, memoryStorage, silo =>
    {
        silo.AddMarketplace();
        if (counts is not null)
        {
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(counts);
        }
    });
    var grains = cluster.Silos[0].GetRequiredService<IGrainFactory>();
    // Job references as the silo's HTTP API makes them (GrainReferences: no per-call type lookups).
    var jobRefs = cluster.Silos.Select(s => s.GetRequiredService<GrainReferences<IJobGrain>>()).ToArray();
    var directory = grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
    while ((await directory.ListOnlineIdsAsync()).Length < 4)
    {
        await Task.Delay(10);
    }

    var program = await BenchPrograms.DeployAsync(grains, wasm);
    var client = "bench";
    var waiters = new ConcurrentDictionary<string, TaskCompletionSource<JobSummary>>();
    await using var watcher = await BenchPrograms.WatchAsync(grains, client, waiters);
    var next = 0;

    async Task<(JobInfo Info, DateTimeOffset SubmittedAt)> RunOneAsync()
    {
        var submission = new JobSubmission { ClientId = client, Program = program, InputInline = input, MaxRetries = 0 };
        var id = JobIds.For(client, null);
        var done = new TaskCompletionSource<JobSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        waiters[id] = done;
        var submittedAt = DateTimeOffset.UtcNow;
        var job = jobRefs[(int)((uint)Interlocked.Increment(ref next) % (uint)jobRefs.Length)].Create(id);
        await job.SubmitAsync(submission);
        JobSummary summary;
        try
        {
            summary = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // The event was missed (the job list was reactivated and lost its subscriptions): ask the job itself.
            waiters.TryRemove(id, out _);
            var info = await job.GetAsync(client);
            while (info.Status < JobStatus.Completed)
            {
                await Task.Delay(100);
                info = await job.GetAsync(client);
            }

            summary = new JobSummary { JobId = id, Status = info.Status };
        }
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
    var countedFrom = counts?.Snapshot();
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

    var loaded = loadedStart.ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"jobs end to end ({concurrency} concurrent clients, {jobs} jobs): {jobsPerSecond:N0} jobs/s = {jobsPerSecond / baseline.CallsPerSecond:P2} of direct calls ({baseline.CallsPerSecond / jobsPerSecond:N0}x slower); goal >= 2,000 jobs/s"));
    if (counts is not null && countedFrom is { } from)
    {
        counts.Print(from, jobs);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  under that load, submit->start p50 {Percentile(loaded, 0.50):0.00} ms, p99 {Percentile(loaded, 0.99):0.00} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one job at a time ({latencyJobs} jobs): submit->start p50 {Percentile(startLatency, 0.50):0.00} ms, p99 {Percentile(startLatency, 0.99):0.00} ms; submit->completed p50 {Percentile(endToEnd, 0.50):0.00} ms, p99 {Percentile(endToEnd, 0.99):0.00} ms; goal p50 <= 1 ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  p50 submit->completed vs direct call p50: {Percentile(endToEnd, 0.50) * 1000 / baseline.P50Micros:N0}x"));
    return jobsPerSecond;
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
