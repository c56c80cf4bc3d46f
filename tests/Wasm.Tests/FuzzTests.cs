using System.Diagnostics;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Wasm.Tests;

/// <summary>
/// Seeded mutation fuzzing over the spec corpus: decode, validate, instantiate and call every export with fuel.
/// Only the engine's typed exceptions may come out; fuel bounds every run. CI runs a few thousand cases; run
/// 100,000 locally with: WASM_FUZZ_CASES=100000 dotnet test tests/Wasm.Tests -c Release --filter FullyQualifiedName~Fuzz
/// (WASM_FUZZ_SEED picks another seed).
/// </summary>
public sealed class FuzzTests
{
    private readonly ITestOutputHelper output;

    public FuzzTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void Mutated_spec_modules_never_crash_or_hang_the_host()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WASM_FUZZ_SEED"), out var s) ? s : 20261122;
        var cases = int.TryParse(Environment.GetEnvironmentVariable("WASM_FUZZ_CASES"), out var c) ? c : 5000;
        output.WriteLine($"fuzz seed {seed}, {cases} cases");
        var corpus = Directory.GetFiles(SharedData.Path("wasm-spec"), "*.wasm", SearchOption.AllDirectories)
            .OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Assert.NotEmpty(corpus);
        var fuzzer = new WasmFuzzer(seed, corpus);
        var sw = Stopwatch.StartNew();
        var stats = fuzzer.Run(cases);
        var summary = $"fuzz seed {seed}: {stats.Cases} cases in {sw.Elapsed.TotalSeconds:F1} s; rejected by validation {stats.Rejected}, " +
            $"link errors {stats.LinkErrors}, instantiated {stats.Instantiated}, export calls {stats.Calls} " +
            $"(traps {stats.Traps}, out of fuel {stats.OutOfFuel}); unexpected exceptions {stats.Failures.Count}";
        output.WriteLine(summary);
        Console.WriteLine(summary);
        foreach (var f in stats.Failures.Take(20))
        {
            output.WriteLine(f);
        }

        Assert.True(stats.Failures.Count == 0, stats.Failures.FirstOrDefault());
    }
}
