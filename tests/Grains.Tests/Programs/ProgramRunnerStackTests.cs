using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>Deep recursion through the real runner on a silo: a typed StackOverflow outcome with Wasmtime's trap code
/// in the error text, the state untouched, and the runner serving the next run.</summary>
public sealed class ProgramRunnerStackTests(ProgramsSiloFixture fixture) : IClassFixture<ProgramsSiloFixture>
{
    [Fact]
    public async Task DeepRecursionIsAStackOverflowAndTheNextRunSucceeds()
    {
        var recursion = SandboxLimitTests.Wat("""
            (module (memory (export "memory") 1)
              (func $down (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1))))
              (func (export "onvm_main") (param i32 i32) (result i32 i32) (drop (call $down (i32.const 0))) (i32.const 0) (i32.const 0)))
            """);
        var manifest = ProgramsSiloFixture.Manifest("recursion");
        var program = await fixture.DeployAsync(recursion, manifest);
        var result = await fixture.RunAsync(program, [], maxFuel: 500_000_000);
        Assert.Equal(ProgramRunOutcome.StackOverflow, result.Outcome);
        Assert.StartsWith("trap (StackOverflow): wasm trap: call stack exhausted", result.Error, StringComparison.Ordinal);
        Assert.Equal("6f6e766d2d736d742d656d7074792d6f6e766d2d736d742d656d707479212100", result.StateRoot);
        Assert.Equal(0, (await fixture.Grains.GetGrain<IProgramStateGrain>(program.Id).GetSnapshotAsync()).Version);

        var echo = await fixture.DeployFreshAsync("echo_multi");
        Assert.Equal(ProgramRunOutcome.Succeeded, (await fixture.RunAsync(echo, "x"u8.ToArray())).Outcome);
    }
}
