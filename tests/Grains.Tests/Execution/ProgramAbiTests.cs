using Marketplace.Grains.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Execution;

/// <summary>The ABI is recognised from the imports; the runner picks the host by ABI and a module of an ABI with no
/// registered host is a typed failure, not an exception.</summary>
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
    public async Task AWasiModuleRunsOnlyWhereAWasiHostIsRegistered()
    {
        using var harness = new SandboxHarness();
        var wasi = SandboxLimitTests.Wat("""
            (module
              (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
              (memory (export "memory") 1)
              (func (export "onvm_main") (param i32 i32) (result i32 i32) (local.get 0) (local.get 1)))
            """);
        Assert.Equal(ProgramAbi.Wasi, harness.Modules.Get(wasi).Abi);
        Assert.Null(harness.Engine.LinkerFor(ProgramAbi.Wasi));
        var result = await harness.RunAsync(wasi, []);
        Assert.Equal(ProgramRunOutcome.InvalidProgram, result.Outcome);
        Assert.Contains("no host for that ABI", result.Error, StringComparison.Ordinal);
    }
}
