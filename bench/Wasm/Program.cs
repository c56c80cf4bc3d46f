// Benchmark: runs each module of shared/wasm-bench on Wasmtime (the silo's configuration, fuel on, and the same with
// fuel off) and on node (V8) in the same run; prints a table, ratios to V8 and their geometric mean, the fuel
// overhead, compile time per 100 KB and instantiate time with the on-demand and the pooling allocator.
// Usage: dotnet run -c Release --project bench/Wasm [-- --modules fib,hash] [--calls 5] [--no-node] [--n-scale 0.1]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Marketplace.TestSupport;
using Wasmtime;

var modulesArg = Arg("--modules");
var calls = int.Parse(Arg("--calls") ?? "5", CultureInfo.InvariantCulture);
var nScale = double.Parse(Arg("--n-scale") ?? "1", CultureInfo.InvariantCulture);
var node = !args.Contains("--no-node");
var dir = SharedData.Path("wasm-bench");
var expected = new Dictionary<string, (int N, uint Checksum)>
{
    ["fib"] = (39, 63245986u),
    ["hash"] = (30000, 2372717554u),
    ["matmul"] = (400, 157396253u),
    ["sieve"] = (300000000, 16252325u),
    ["sort"] = (4000000, 443608126u),
    ["vm"] = (200000, 22938602u),
};
var modules = Directory.GetFiles(dir, "*.wasm").Select(f => Path.GetFileNameWithoutExtension(f)!)
    .Where(m => modulesArg is null || modulesArg.Split(',').Contains(m)).OrderBy(m => m, StringComparer.Ordinal).ToList();

var rows = new List<Row>();
foreach (var name in modules)
{
    var path = Path.Combine(dir, name + ".wasm");
    var n = Math.Max(1, (int)(expected[name].N * nScale));
    var off = TimeWasmtime(path, n, fuel: false, calls);
    var on = TimeWasmtime(path, n, fuel: true, calls);
    var v8 = node ? TimeNode(dir, name, n, calls) : null;
    var check = n == expected[name].N
        ? (off.Checksum == expected[name].Checksum && on.Checksum == expected[name].Checksum ? "ok" : "WRONG")
        : (off.Checksum == on.Checksum && (v8 is null || v8.Value.Checksum == off.Checksum) ? "ok(v8)" : "WRONG");
    rows.Add(new Row(name, n, off.Checksum, check, off.MedianMs, on.MedianMs, v8?.MedianMs, on.FuelUsed));
    Console.Error.WriteLine($"{name}: done");
}

Console.WriteLine();
Console.WriteLine($"{"module",-8} {"n",10} {"checksum",11} {"ok",6} {"fuel off ms",12} {"fuel on ms",11} {"V8 ms",8} {"off/V8",7} {"on/V8",7} {"fuel cost",9} {"fuel used",14}");
foreach (var r in rows)
{
    Console.WriteLine($"{r.Module,-8} {r.N,10} {r.Checksum,11} {r.Check,6} {r.FuelOffMs,12:F1} {r.FuelOnMs,11:F1} {Fmt(r.V8Ms),8} {Ratio(r.FuelOffMs, r.V8Ms),7} {Ratio(r.FuelOnMs, r.V8Ms),7} {(r.FuelOnMs / r.FuelOffMs - 1) * 100,8:F1}% {r.FuelUsed,14}");
}

var geoOff = Geo(rows, r => r.V8Ms is { } v ? r.FuelOffMs / v : null);
var geoOn = Geo(rows, r => r.V8Ms is { } v ? r.FuelOnMs / v : null);
var geoFuel = Geo(rows, r => r.FuelOnMs / r.FuelOffMs);
Console.WriteLine($"geometric mean ratio to V8: fuel off {Fmt(geoOff, "F2")}x, fuel on {Fmt(geoOn, "F2")}x; fuel overhead {(geoFuel - 1) * 100:F1}%");
var (compileMsPer100K, totalKb) = CompileRate(dir);
Console.WriteLine($"compile (Cranelift, silo configuration, one thread): {compileMsPer100K:F1} ms per 100 KB over {modules.Count} modules, {totalKb:F0} KB");
var (synthKb, synthMs) = SyntheticCompile();
Console.WriteLine($"compile a synthetic {synthKb:F0} KB module (400 functions of 400 dependent i32 operations): {synthMs:F1} ms = {synthMs / (synthKb / 100.0):F1} ms per 100 KB");
var instantiatePath = Path.Combine(dir, modules.Contains("sort") ? "sort.wasm" : modules[0] + ".wasm");
var onDemandUs = InstantiateTime(instantiatePath, pooling: false);
var poolingUs = InstantiateTime(instantiatePath, pooling: true);
Console.WriteLine($"instantiate a compiled module (Store + SetLimits + Instantiate + dispose): on-demand allocator {onDemandUs:F1} us, pooling allocator {poolingUs:F1} us");
Console.WriteLine(JsonSerializer.Serialize(new
{
    rows,
    geomean_ratio_fuel_off = geoOff,
    geomean_ratio_fuel_on = geoOn,
    fuel_overhead_percent = (geoFuel - 1) * 100,
    compile_ms_per_100kb = compileMsPer100K,
    synthetic_compile_ms_per_100kb = synthMs / (synthKb / 100.0),
    instantiate_on_demand_us = onDemandUs,
    instantiate_pooling_us = poolingUs,
}));
return rows.Any(r => r.Check == "WRONG") ? 1 : 0;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static double? Geo(List<Row> rows, Func<Row, double?> f)
{
    var values = rows.Select(f).Where(v => v is > 0).Select(v => v!.Value).ToList();
    return values.Count == 0 ? null : Math.Exp(values.Average(Math.Log));
}

static string Fmt(double? v, string f = "F1") => v is { } x ? x.ToString(f, CultureInfo.InvariantCulture) : "-";

static string Ratio(double a, double? b) => b is { } v && v > 0 ? (a / v).ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";

// The silo's settings (grains/Execution/SandboxEngine.cs); fuel switchable, epochs on as in production.
static Config SiloConfig(bool fuel) => new Config()
    .WithCompilerStrategy(CompilerStrategy.Cranelift)
    .WithOptimizationLevel(OptimizationLevel.Speed)
    .WithFuelConsumption(fuel)
    .WithEpochInterruption(true)
    .WithCraneliftNaNCanonicalization(true)
    .WithMaximumStackSize(512 * 1024)
    .WithWasmThreads(false)
    .WithRelaxedSIMD(false, true)
    .WithParallelCompilation(false);

static (double MedianMs, uint Checksum, ulong FuelUsed) TimeWasmtime(string path, int n, bool fuel, int calls)
{
    using var engine = new Engine(SiloConfig(fuel));
    using var module = Module.FromFile(engine, path);
    using var store = new Store(engine);
    store.SetEpochDeadline(ulong.MaxValue / 2);
    const ulong budget = 1UL << 62;
    if (fuel)
    {
        store.Fuel = budget;
    }

    using var linker = new Linker(engine);
    var run = linker.Instantiate(store, module).GetFunction<int, int>("run")!;
    var checksum = (uint)run(n);
    var times = new List<double>();
    ulong used = 0;
    for (var i = 0; i < calls; i++)
    {
        if (fuel)
        {
            store.Fuel = budget;
        }

        var sw = Stopwatch.StartNew();
        var r = (uint)run(n);
        times.Add(sw.Elapsed.TotalMilliseconds);
        if (fuel)
        {
            used = budget - store.Fuel;
        }

        if (r != checksum)
        {
            throw new InvalidOperationException($"checksum changed between calls: {r} vs {checksum}");
        }
    }

    times.Sort();
    return (times[times.Count / 2], checksum, used);
}

static (double MedianMs, uint Checksum)? TimeNode(string dir, string name, int n, int calls)
{
    try
    {
        var psi = new ProcessStartInfo("node", $"run-bench.mjs {name}.wasm {n} --calls {calls}")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine($"node failed for {name}: {p.StandardError.ReadToEnd()}");
            return null;
        }

        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        return (doc.RootElement.GetProperty("median_ms").GetDouble(), doc.RootElement.GetProperty("checksum").GetUInt32());
    }
    catch (System.ComponentModel.Win32Exception ex)
    {
        Console.Error.WriteLine($"node not available: {ex.Message}");
        return null;
    }
}

static (double MsPer100K, double TotalKb) CompileRate(string dir)
{
    var files = Directory.GetFiles(dir, "*.wasm").Select(File.ReadAllBytes).ToList();
    using (var warm = new Engine(SiloConfig(true)))
    {
        foreach (var b in files)
        {
            Module.FromBytes(warm, "warm", b).Dispose();
        }
    }

    using var engine = new Engine(SiloConfig(true));
    long total = files.Sum(b => (long)b.Length);
    var sw = Stopwatch.StartNew();
    foreach (var b in files)
    {
        Module.FromBytes(engine, "m", b).Dispose();
    }

    return (sw.Elapsed.TotalMilliseconds / (total / 102400.0), total / 1024.0);
}

static (double Kb, double Ms) SyntheticCompile()
{
    var text = new System.Text.StringBuilder("(module (memory (export \"memory\") 1)\n");
    for (var f = 0; f < 400; f++)
    {
        text.Append("(func (export \"f").Append(f).Append("\") (param i32) (result i32) (local.get 0)");
        for (var i = 0; i < 400; i++)
        {
            text.Append(i % 3 == 0 ? " (i32.const 7) (i32.mul)" : i % 3 == 1 ? " (i32.const 13) (i32.xor)" : " (local.get 0) (i32.add)");
        }

        text.Append(")\n");
    }

    var wasm = Module.ConvertText(text.Append(')').ToString());
    using var engine = new Engine(SiloConfig(true));
    var sw = Stopwatch.StartNew();
    Module.FromBytes(engine, "synthetic", wasm).Dispose();
    return (wasm.Length / 1024.0, sw.Elapsed.TotalMilliseconds);
}

static double InstantiateTime(string path, bool pooling)
{
    var config = SiloConfig(true);
    if (pooling)
    {
        config.WithPoolingAllocationStrategy(new PoolingAllocationConfig()
            .WithMaxMemories(64).WithMaxTables(64).WithMaxCoreInstances(64).WithMaxMemorySize(64 << 20));
    }

    using var engine = new Engine(config);
    using var module = Module.FromFile(engine, path);
    using var linker = new Linker(engine);
    void Once()
    {
        using var store = new Store(engine);
        store.Fuel = 1_000_000;
        store.SetLimits(memorySize: 64L << 20);
        linker.Instantiate(store, module);
    }

    for (var i = 0; i < 200; i++)
    {
        Once();
    }

    var samples = new List<double>();
    for (var i = 0; i < 2000; i++)
    {
        var start = Stopwatch.GetTimestamp();
        Once();
        samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }

    samples.Sort();
    return samples[samples.Count / 2];
}

internal sealed record Row(string Module, int N, uint Checksum, string Check, double FuelOffMs, double FuelOnMs, double? V8Ms, ulong FuelUsed);
