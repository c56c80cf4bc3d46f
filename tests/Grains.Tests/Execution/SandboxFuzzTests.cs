using System.Diagnostics;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Samples;
using Marketplace.TestSupport;
using Wasmtime;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Execution;

/// <summary>
/// Seeded mutation fuzzing of the whole execution path (compile through the module cache, instantiate with the ONVM
/// linker, run under fuel and limits): a mutated module may only end in a typed failure (Wasmtime's compile error, the
/// compile-time bound, or a run outcome), never an exception out of a run or a crash, and the path keeps serving.
/// More cases locally: SANDBOX_FUZZ_CASES=5000 SANDBOX_FUZZ_SEED=7 dotnet test tests/Grains.Tests -c Release
/// --filter FullyQualifiedName~SandboxFuzz
/// </summary>
public sealed class SandboxFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MutatedModulesEndInTypedFailuresOnly()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SANDBOX_FUZZ_SEED"), out var s) ? s : 20261123;
        var cases = int.TryParse(Environment.GetEnvironmentVariable("SANDBOX_FUZZ_CASES"), out var c) ? c : 2000;
        output.WriteLine($"sandbox fuzz seed {seed}, {cases} cases");
        var corpus = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Programs", "Modules"), "*.wasm")
            .Concat(Directory.GetFiles(Path.Combine(SamplePrograms.RepositoryRoot, "programs"), "*.wasm", SearchOption.AllDirectories))
            .Concat(Directory.GetFiles(SharedData.Path("wasm-bench"), "*.wasm"))
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        Assert.True(corpus.Count >= 20, $"corpus of {corpus.Count} modules");

        using var harness = new SandboxHarness(new ProgramOptions { ModuleCacheCapacity = 16 });
        var fuzzer = new ModuleFuzzer(seed, corpus);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            var (wasm, mutation) = fuzzer.Next();
            string outcome;
            try
            {
                var module = harness.Modules.Get(wasm);
                var result = await Task.Run(() => harness.Create(module, "fuzz"u8.ToArray(), 2_000_000, 4L << 20, GrainInterfaces.EntrypointShape.MultiValue).Run());
                outcome = result.Outcome.ToString();
            }
            catch (WasmtimeException)
            {
                outcome = "rejected by Wasmtime";
            }
            catch (ModuleCompileTimeoutException)
            {
                outcome = "compile-time bound";
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed} case {i} (mutation {mutation}, {wasm.Length} bytes): {e.GetType().Name}: {e.Message}");
                throw;
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"{cases} cases in {clock.Elapsed.TotalSeconds:F1} s: " + string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}")));
        var next = await harness.RunAsync(SandboxLimitTests.Wat("""
            (module (memory (export "memory") 1) (func (export "onvm_main") (param i32 i32) (result i32 i32) (local.get 0) (local.get 1)))
            """), "ok"u8.ToArray());
        Assert.Equal(ProgramRunOutcome.Succeeded, next.Outcome);
    }
}
