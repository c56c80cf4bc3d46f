using Marketplace.Grains.Execution.Wasi;
using Wasmtime;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Execution.Wasi;

/// <summary>A .NET exception inside a host function never crashes the process: it reaches the caller as a Wasmtime
/// error.</summary>
public sealed class WasiHostFailureTests(WasiFixture fixture, ITestOutputHelper output) : IClassFixture<WasiFixture>
{
    [Fact]
    public void AStoreWithoutAWasiContextFailsTheCallWithAClearMessage()
    {
        using var linker = new Linker(fixture.Engine);
        WasiPreview1Host.Define(linker);
        using var store = new Store(fixture.Engine);
        store.Fuel = 1_000_000;
        using var module = Module.FromText(fixture.Engine, "t", Wat.Start("(call $emit (i32.const 1))"));
        var start = linker.Instantiate(store, module).GetAction("_start")!;

        var error = Assert.ThrowsAny<WasmtimeException>(() => start());

        output.WriteLine($"{error.GetType().Name}: {error.Message}; inner {error.InnerException?.GetType().Name}");
        Assert.Contains("not a WasiContext", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExitFollowedByAFailedInstantiationOnTheSameThreadIsNotTakenForAHostFailure()
    {
        var exited = fixture.Run(Wat.Start("(call $proc_exit (i32.const 3))"));
        var tooBig = fixture.Run("""(module (memory (export "memory") 32) (func (export "_start")))""",
            new WasiRunOptions { JobId = "job-1", ProgramName = "test", MemoryLimitBytes = 1 << 20 });
        var trapped = fixture.Run(Wat.Start("unreachable"));
        Assert.Equal(WasiRunOutcome.ExitedWithError, exited.Outcome);
        Assert.Equal(WasiRunOutcome.MemoryLimit, tooBig.Outcome);
        Assert.Equal(WasiRunOutcome.Trapped, trapped.Outcome);
    }
}
