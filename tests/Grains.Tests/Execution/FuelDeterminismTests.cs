using System.Text;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Samples;
using Wasmtime;
using Xunit;

namespace Marketplace.Grains.Tests.Execution;

/// <summary>
/// The job's fuel figure is Wasmtime's fuel consumed, a function of the program, its input and state only: the same
/// run gives the same output and fuel in every run and every process. The golden figures below were computed once
/// with Wasmtime 50.0.1 and the silo configuration (SandboxEngine); a change to either may move them, which is the
/// point of the test. To regenerate: set the expected values to 0, run this class, and copy the "actual" figures
/// from the failure messages.
/// </summary>
public sealed class FuelDeterminismTests : IDisposable
{
    private readonly SandboxHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("echo", "hello world", "HELLO WORLD", 351L)]
    [InlineData("kvstore", "kv_put.json", "{\"status\":\"okput\",\"key\":\"alpha\",\"size\":15,\"checksum\":\"840a44395252bd4175f63ee89d291e1200a83c888b2ff2dfb586f3ffc945380a\"}", 12205L)]
    public async Task TheSameRunGivesTheSameOutputAndTheGoldenFuel(string program, string input, string expected, long goldenFuel)
    {
        var wasm = SamplePrograms.Wasm(program);
        var bytes = program == "echo" ? Encoding.UTF8.GetBytes(input) : SamplePrograms.Input(program, input);
        var fuels = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var result = await _harness.RunAsync(wasm, bytes);
            Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
            Assert.Equal(expected, Encoding.UTF8.GetString(result.Output));
            fuels.Add(result.FuelConsumed);
        }

        Assert.All(fuels, f => Assert.Equal(goldenFuel, f));
    }

    /// <summary>The fuel rule of grains/Execution/README.md, measured on the silo engine: fuel of a function body
    /// beyond the empty function's.</summary>
    [Theory]
    [InlineData("nop", 0)]
    [InlineData("(block)", 0)]
    [InlineData("(loop)", 0)]
    [InlineData("(return)", 0)]
    [InlineData("(drop (i32.const 1))", 1)]
    [InlineData("(drop (i32.add (i32.const 1) (i32.const 2)))", 3)]
    [InlineData("(drop (i32.load (i32.const 0)))", 2)]
    [InlineData("(block (br 0))", 1)]
    [InlineData("(block (br_if 0 (i32.const 0)))", 2)]
    [InlineData("(if (i32.const 0) (then))", 2)]
    [InlineData("(call $empty)", 2)]
    [InlineData("(memory.fill (i32.const 0) (i32.const 0) (i32.const 1))", 5)]
    [InlineData("(memory.fill (i32.const 0) (i32.const 0) (i32.const 65536))", 65540)]
    [InlineData("(memory.copy (i32.const 0) (i32.const 0) (i32.const 65536))", 65540)]
    public void OperatorsCostWhatTheFuelRuleSays(string body, long fuel)
    {
        Assert.Equal(1, Cost(""));
        Assert.Equal(fuel, Cost(body) - Cost(""));
    }

    private long Cost(string body)
    {
        var engine = _harness.Engine.Engine;
        using var module = Module.FromText(engine, "rule", $"(module (memory 1) (func $empty) (func (export \"run\") {body}))");
        using var store = new Store(engine);
        store.SetEpochDeadline(1_000_000);
        store.Fuel = 1_000_000_000;
        using var linker = new Linker(engine);
        linker.Instantiate(store, module).GetAction("run")!();
        return 1_000_000_000 - (long)store.Fuel;
    }
}
