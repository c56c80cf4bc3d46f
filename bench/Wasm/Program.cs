// Benchmark: runs each module of shared/wasm-bench on our engine with fuel off and on, and on node (V8) in the
// same run; prints a table, ratios to V8 and their geometric mean, compile time per 100 KB and instantiate time.
// Usage: dotnet run -c Release --project bench/Wasm [-- --modules fib,hash] [--calls 5] [--no-node] [--n-scale 0.1]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Marketplace.TestSupport;
using Marketplace.Wasm;

if (args.Length == 2 && args[0] == "--dump")
{
    // Diagnostic: print the decoded instructions of every function of a module.
    var info = Marketplace.Wasm.Decoding.ModuleDecoder.Decode(File.ReadAllBytes(args[1]));
    for (var fi = 0; fi < info.Bodies.Count; fi++)
    {
        Console.WriteLine($"func {fi}: locals {info.Bodies[fi].Locals.Length}");
        foreach (var ins in info.Bodies[fi].Code)
        {
            Console.WriteLine($"  {ins.Op:x2} {ins.A} {ins.B} {ins.C}");
        }
    }

    return 0;
}

var opts = BenchOptions.Parse(args);
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
    .Where(m => opts.Modules is null || opts.Modules.Contains(m)).OrderBy(m => m, StringComparer.Ordinal).ToList();

if (opts.CompareAo)
{
    // A/B of .NET AggressiveOptimization for compiled wasm (fuel on), interleaved to share the machine's noise.
    foreach (var name in modules)
    {
        var n = (int)(expected[name].N * opts.NScale);
        var a = new List<double>();
        var b = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            a.Add(TimeEngine(Path.Combine(dir, name + ".wasm"), n, true, 1, true).MedianMs);
            b.Add(TimeEngine(Path.Combine(dir, name + ".wasm"), n, true, 1, false).MedianMs);
        }

        Console.WriteLine($"{name}: AO on {a.Min():F1} ms, AO off {b.Min():F1} ms");
    }

    return 0;
}

var rows = new List<Row>();
foreach (var name in modules)
{
    var path = Path.Combine(dir, name + ".wasm");
    var n = expected.TryGetValue(name, out var e) ? e.N : 1000;
    if (opts.NScale != 1.0)
    {
        n = Math.Max(1, (int)(n * opts.NScale));
    }

    var off = TimeEngine(path, n, fuel: false, opts.Calls);
    var on = TimeEngine(path, n, fuel: true, opts.Calls);
    var v8 = opts.Node ? TimeNode(dir, name, n, opts.Calls) : null;
    var check = expected.TryGetValue(name, out var ex) && n == ex.N ? (off.Checksum == ex.Checksum && on.Checksum == ex.Checksum ? "ok" : "WRONG") : (off.Checksum == on.Checksum && (v8 is null || v8.Value.Checksum == off.Checksum) ? "ok(v8)" : "WRONG");
    rows.Add(new Row(name, n, off.Checksum, check, off.MedianMs, on.MedianMs, v8?.MedianMs, on.FuelUsed));
    Console.Error.WriteLine($"{name}: done");
}

Console.WriteLine();
Console.WriteLine($"{"module",-8} {"n",10} {"checksum",11} {"ok",6} {"fuel off ms",12} {"fuel on ms",11} {"V8 ms",8} {"off/V8",7} {"on/V8",7} {"fuel cost",9}");
foreach (var r in rows)
{
    Console.WriteLine($"{r.Module,-8} {r.N,10} {r.Checksum,11} {r.Check,6} {r.FuelOffMs,12:F1} {r.FuelOnMs,11:F1} {Fmt(r.V8Ms),8} {Ratio(r.FuelOffMs, r.V8Ms),7} {Ratio(r.FuelOnMs, r.V8Ms),7} {(r.FuelOnMs / r.FuelOffMs - 1) * 100,8:F1}%");
}

double? Geo(Func<Row, double?> f)
{
    var vals = rows.Select(f).Where(v => v is > 0).Select(v => v!.Value).ToList();
    return vals.Count == 0 ? null : Math.Exp(vals.Average(Math.Log));
}

var geoOff = Geo(r => r.V8Ms is { } v ? r.FuelOffMs / v : null);
var geoOn = Geo(r => r.V8Ms is { } v ? r.FuelOnMs / v : null);
var geoFuel = Geo(r => r.FuelOnMs / r.FuelOffMs);
Console.WriteLine($"geometric mean ratio to V8: fuel off {Fmt(geoOff, "F2")}x, fuel on {Fmt(geoOn, "F2")}x (goal <= 1.5x); fuel overhead {(geoFuel - 1) * 100:F1}% (goal <= 15%)");

var (compileMsPer100K, totalKb, moduleCount) = CompileRate(opts.CompileCorpus);
Console.WriteLine($"compile (decode + validate + IL emit, JIT is lazy): {compileMsPer100K:F1} ms per 100 KB over {moduleCount} modules, {totalKb:F0} KB (goal <= 50 ms)");
var (synthKb, synthMs) = SyntheticCompile();
Console.WriteLine($"compile a synthetic {synthKb:F0} KB module (1,000 functions, loops, loads/stores): {synthMs:F1} ms = {synthMs / (synthKb / 100.0):F1} ms per 100 KB");
var instantiateUs = InstantiateTime(Path.Combine(dir, modules.Contains("sort") ? "sort.wasm" : modules[0] + ".wasm"));
Console.WriteLine($"instantiate a cached module (FromBytes cache hit + Store + Instantiate): {instantiateUs:F1} us (goal <= 50 us)");

var json = JsonSerializer.Serialize(new
{
    rows,
    geomean_ratio_fuel_off = geoOff,
    geomean_ratio_fuel_on = geoOn,
    fuel_overhead_percent = (geoFuel - 1) * 100,
    compile_ms_per_100kb = compileMsPer100K,
    synthetic_compile_ms_per_100kb = synthMs / (synthKb / 100.0),
    instantiate_us = instantiateUs,
});
Console.WriteLine(json);
return rows.Any(r => r.Check == "WRONG") ? 1 : 0;

static string Fmt(double? v, string f = "F1") => v is { } x ? x.ToString(f, CultureInfo.InvariantCulture) : "-";

static string Ratio(double a, double? b) => b is { } v && v > 0 ? (a / v).ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";

static (double MedianMs, uint Checksum, ulong FuelUsed) TimeEngine(string path, int n, bool fuel, int calls, bool aggressive = true)
{
    var engine = new Engine(new Config().WithFuelConsumption(fuel).WithNaNCanonicalization(Environment.GetEnvironmentVariable("WASM_BENCH_CANON") != "0").WithMaxMemoryPages(32767).WithAggressiveOptimization(aggressive));
    var module = Module.FromFile(engine, path);
    var store = new Store(engine);
    if (fuel)
    {
        store.SetFuel(ulong.MaxValue);
    }

    var run = new Linker(engine).Instantiate(store, module).GetFunction<int, int>("run");
    var checksum = (uint)run(n);
    var times = new List<double>();
    ulong used = 0;
    for (var i = 0; i < calls; i++)
    {
        if (fuel)
        {
            store.SetFuel(long.MaxValue);
        }

        var sw = Stopwatch.StartNew();
        var r = (uint)run(n);
        times.Add(sw.Elapsed.TotalMilliseconds);
        if (fuel)
        {
            used = store.FuelConsumed;
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

static (double MsPer100K, double TotalKb, int Count) CompileRate(bool corpus)
{
    var files = new List<string>(Directory.GetFiles(SharedData.Path("wasm-bench"), "*.wasm"));
    if (corpus)
    {
        files.AddRange(Directory.GetFiles(SharedData.Path("wasm-spec"), "*.wasm", SearchOption.AllDirectories));
    }

    var valid = new List<byte[]>();
    foreach (var f in files)
    {
        var bytes = File.ReadAllBytes(f);
        if (Module.Validate(bytes) is null)
        {
            valid.Add(bytes);
        }
    }

    // Warm up the compiler itself, then time compiling everything with a fresh engine (no cache hits).
    var warm = new Engine();
    foreach (var b in valid.Take(50))
    {
        Module.FromBytes(warm, b);
    }

    var engine = new Engine(new Config().WithFuelConsumption(true));
    long total = valid.Sum(b => (long)b.Length);
    var decode = Stopwatch.StartNew();
    foreach (var b in valid)
    {
        Module.Validate(b);
    }

    Console.WriteLine($"  decode + validate only: {decode.Elapsed.TotalMilliseconds / (total / 102400.0):F1} ms per 100 KB");
    var sw = Stopwatch.StartNew();
    foreach (var b in valid)
    {
        Module.FromBytes(engine, b);
    }

    var ms = sw.Elapsed.TotalMilliseconds;
    return (ms / (total / 102400.0), total / 1024.0, valid.Count);
}

static (double Kb, double Ms) SyntheticCompile()
{
    var bytes = SyntheticModule(1000);
    Module.FromBytes(new Engine(), SyntheticModule(20));
    var best = double.MaxValue;
    for (var i = 0; i < 3; i++)
    {
        var engine = new Engine(new Config().WithFuelConsumption(true));
        var sw = Stopwatch.StartNew();
        Module.FromBytes(engine, bytes);
        best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
    }

    return (bytes.Length / 1024.0, best);
}

// A module of `count` functions (param i32) (result i32) with a counted loop of mixed i32 arithmetic, a load and a
// store, so compile time is measured on realistic, non-trivial bodies.
static byte[] SyntheticModule(int count)
{
    static byte[] Leb(uint v)
    {
        var r = new List<byte>();
        do
        {
            var b = (byte)(v & 0x7F);
            v >>= 7;
            r.Add(v != 0 ? (byte)(b | 0x80) : b);
        }
        while (v != 0);
        return r.ToArray();
    }

    static void Section(List<byte> m, byte id, List<byte> body)
    {
        m.Add(id);
        m.AddRange(Leb((uint)body.Count));
        m.AddRange(body);
    }

    var mod = new List<byte> { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0 };
    Section(mod, 1, new List<byte> { 1, 0x60, 1, 0x7F, 1, 0x7F });
    var funcs = new List<byte>(Leb((uint)count));
    for (var i = 0; i < count; i++)
    {
        funcs.Add(0);
    }

    Section(mod, 3, funcs);
    Section(mod, 5, new List<byte> { 1, 0, 1 });
    var code = new List<byte>(Leb((uint)count));
    for (var f = 0; f < count; f++)
    {
        var body = new List<byte> { 1, 2, 0x7F }; // two i32 locals
        body.AddRange(new byte[] { 0x03, 0x40 }); // loop
        for (var k = 0; k < 12; k++)
        {
            // local1 = (local1 * c + local0) ^ (local1 >>> k)
            body.AddRange(new byte[] { 0x20, 0x01, 0x41, (byte)(3 + ((f + k) % 60)), 0x6C, 0x20, 0x00, 0x6A, 0x20, 0x01, 0x41, (byte)(k + 1), 0x76, 0x73, 0x21, 0x01 });
        }

        // mem[local1 & 0xfff] = local1 + mem[...]
        body.AddRange(new byte[] { 0x20, 0x01, 0x41, 0xFF, 0x1F, 0x71, 0x20, 0x01, 0x20, 0x01, 0x41, 0xFF, 0x1F, 0x71, 0x28, 0x02, 0x00, 0x6A, 0x36, 0x02, 0x00 });
        // local0 = local0 - 1; br_if 0 (local0)
        body.AddRange(new byte[] { 0x20, 0x00, 0x41, 0x01, 0x6B, 0x22, 0x00, 0x0D, 0x00, 0x0B, 0x20, 0x01, 0x0B });
        code.AddRange(Leb((uint)body.Count));
        code.AddRange(body);
    }

    Section(mod, 10, code);
    return mod.ToArray();
}

static double InstantiateTime(string path)
{
    var engine = new Engine(new Config().WithFuelConsumption(true));
    var bytes = File.ReadAllBytes(path);
    var linker = new Linker(engine);
    for (var i = 0; i < 1000; i++)
    {
        linker.Instantiate(new Store(engine), Module.FromBytes(engine, bytes));
    }

    const int iterations = 20000;
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++)
    {
        var store = new Store(engine);
        store.SetFuel(1000);
        linker.Instantiate(store, Module.FromBytes(engine, bytes));
    }

    return sw.Elapsed.TotalMilliseconds * 1000 / iterations;
}

internal sealed record Row(string Module, int N, uint Checksum, string Check, double FuelOffMs, double FuelOnMs, double? V8Ms, ulong FuelUsed);

internal sealed class BenchOptions
{
    public HashSet<string>? Modules { get; private set; }

    public int Calls { get; private set; } = 5;

    public bool Node { get; private set; } = true;

    public double NScale { get; private set; } = 1.0;

    public bool CompileCorpus { get; private set; } = true;

    public bool CompareAo { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--modules":
                    o.Modules = args[++i].Split(',').ToHashSet();
                    break;
                case "--calls":
                    o.Calls = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--no-node":
                    o.Node = false;
                    break;
                case "--n-scale":
                    o.NScale = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--compare-ao":
                    o.CompareAo = true;
                    break;
                case "--no-corpus":
                    o.CompileCorpus = false;
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return o;
    }
}
