using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Execution.Wasi;
using Xunit;

namespace Marketplace.Grains.Tests.Execution;

/// <summary>The ABI is recognised from the imports; the runner picks the host by ABI: a WASI module runs on the
/// engine's WASI linker under the same fuel, limits and interrupt as an ONVM one.</summary>
public sealed class ProgramAbiTests
{
    [Fact]
    public void AnyWasiImportMakesAWasiProgramAndEverythingElseIsOnvm()
    {
        Assert.Equal(ProgramAbi.Onvm, ProgramAbis.Recognize([]));
        Assert.Equal(ProgramAbi.Onvm, ProgramAbis.Recognize(["env", "env"]));
        Assert.Equal(ProgramAbi.Wasi, ProgramAbis.Recognize(["env", "wasi_snapshot_preview1"]));
    }

    [Fact]
    public void TheEngineHasOneLinkerPerAbi()
    {
        using var harness = new SandboxHarness();
        Assert.Same(harness.Engine.OnvmLinker, harness.Engine.LinkerFor(ProgramAbi.Onvm));
        Assert.Same(harness.Engine.WasiLinker, harness.Engine.LinkerFor(ProgramAbi.Wasi));
    }

    [Fact]
    public async Task AWasiModuleRunsItsStartWithStdinInStdoutOutAndStderrAsLogs()
    {
        using var harness = new SandboxHarness();
        var echo = SandboxLimitTests.Wat(Wat.Module("""
            (data (i32.const 3000) "first\nsecond")
            (func (export "_start")
              (i32.store (i32.const 1024) (i32.const 2048))
              (i32.store (i32.const 1028) (i32.const 4096))
              (drop (call $fd_read (i32.const 0) (i32.const 1024) (i32.const 1) (i32.const 1032)))
              (drop (call $write (i32.const 1) (i32.const 2048) (i32.load (i32.const 1032))))
              (drop (call $write (i32.const 2) (i32.const 3000) (i32.const 12))))
            """));
        Assert.Equal(ProgramAbi.Wasi, harness.Modules.Get(echo).Abi);
        var result = await harness.RunAsync(echo, "hello wasi"u8.ToArray());
        Assert.True(result.Outcome == ProgramRunOutcome.Succeeded, result.Error);
        Assert.Equal("hello wasi"u8.ToArray(), result.Output);
        Assert.Equal(["first", "second"], result.Logs.Select(l => l.Message));
        Assert.Empty(result.Writes);
        Assert.True(result.FuelConsumed > 0);
    }

    [Fact]
    public async Task AWasiExitCodeIsATypedFailureCarryingTheCode()
    {
        using var harness = new SandboxHarness();
        var exit = SandboxLimitTests.Wat(Wat.Start("(call $emit (i32.const 65)) (call $proc_exit (i32.const 3))"));
        var result = await harness.RunAsync(exit, []);
        Assert.Equal(ProgramRunOutcome.Exited, result.Outcome);
        Assert.Equal("exit code 3: the program called proc_exit(3)", result.Error);
        Assert.Empty(result.Output);

        var zero = await harness.RunAsync(SandboxLimitTests.Wat(Wat.Start("(call $emit (i32.const 65)) (call $proc_exit (i32.const 0))")), []);
        Assert.Equal(ProgramRunOutcome.Succeeded, zero.Outcome);
        Assert.Equal("A"u8.ToArray(), zero.Output);
    }

    [Fact]
    public async Task AWasiRunIsBoundByFuelTheOutputLimitAndTheInterrupt()
    {
        using var harness = new SandboxHarness(new ProgramOptions { MaxOutputBytes = 4 });
        var loop = SandboxLimitTests.Wat(Wat.Start("(loop $forever (br $forever))"));
        var fuel = await harness.RunAsync(loop, [], maxFuel: 1_000_000);
        Assert.Equal(ProgramRunOutcome.OutOfFuel, fuel.Outcome);
        Assert.Equal(1_000_000, fuel.FuelConsumed);

        var chatty = SandboxLimitTests.Wat(Wat.Start("(call $emit (i32.const 65)) (call $emit (i32.const 65)) (call $emit (i32.const 65)) (call $emit (i32.const 65)) (call $emit (i32.const 65))"));
        var capped = await harness.RunAsync(chatty, []);
        Assert.Equal(ProgramRunOutcome.OutputLimitExceeded, capped.Outcome);
        Assert.StartsWith("stdout limit exceeded", capped.Error, StringComparison.Ordinal);

        // Without the interrupt the loop would end OutOfFuel after the whole budget, so Interrupted proves it stopped.
        // The interrupt comes as the run starts, not after a delay a busy machine could stretch past the budget: the
        // loop then runs until the first epoch tick sees it.
        var interrupted = await harness.RunAsync(loop, [], maxFuel: JobLimits.MaxFuel, started: e => e.Interrupt());
        Assert.True(interrupted.Interrupted, interrupted.Error);
    }
}
