using System.Text;
using Marketplace.Grains.Execution.Wasi;
using Wasmtime;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Execution.Wasi;

/// <summary>Bad guest pointers give EFAULT without side effects or crashes; missing capabilities give their fixed
/// errno; the catalog and the host agree on every signature.</summary>
public sealed class WasiErrnoTests(WasiFixture fixture, ITestOutputHelper output) : IClassFixture<WasiFixture>
{
    [Fact]
    public void OutOfBoundsPointersGiveEfaultAndTheRunGoesOn()
    {
        var wat = Wat.Start("""
            (i32.store (i32.const 1024) (i32.const 65530)) (i32.store (i32.const 1028) (i32.const 100))
            (call $emit (call $fd_write (i32.const 1) (i32.const -16) (i32.const 1) (i32.const 8)))
            (call $emit (call $fd_write (i32.const 1) (i32.const 1024) (i32.const 1) (i32.const 8)))
            (call $emit (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 65535)))
            (call $emit (call $fd_write (i32.const 1) (i32.const 1024) (i32.const 536870912) (i32.const 8)))
            (call $emit (call $fd_read (i32.const 0) (i32.const 1024) (i32.const 1) (i32.const 8)))
            (call $emit (call $random_get (i32.const 65000) (i32.const 1000)))
            (call $emit (call $random_get (i32.const -1) (i32.const 2)))
            (call $emit (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65532)))
            (call $emit (call $args_sizes_get (i32.const 65534) (i32.const 1024)))
            (call $emit (call $args_get (i32.const 65535) (i32.const 1024)))
            (call $emit (call $environ_get (i32.const 1024) (i32.const -1)))
            (call $emit (call $fd_fdstat_get (i32.const 1) (i32.const 65530)))
            (call $emit (call $poll_oneoff (i32.const 65500) (i32.const 2048) (i32.const 1) (i32.const 8)))
            (call $emit (call $poll_oneoff (i32.const 2048) (i32.const 3072) (i32.const -1) (i32.const 8)))
            (call $emit (i32.const 46))
            """);
        var result = fixture.Run(wat, new WasiRunOptions
        {
            JobId = "job-1",
            ProgramName = "test",
            Input = "abc"u8.ToArray(),
            Environment = [new("K", "V")],
        });

        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        Assert.Equal([.. Enumerable.Repeat((byte)21, 14), (byte)'.'], result.Stdout.ToArray());
    }

    [Fact]
    public void DescriptorsAndMissingCapabilitiesGiveTheirErrno()
    {
        var wat = Wat.Start("""
            (call $emit (call $fd_write (i32.const 7) (i32.const 0) (i32.const 1) (i32.const 8)))
            (call $emit (call $fd_write (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
            (call $emit (call $fd_read (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            (call $emit (call $fd_seek (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 1024)))
            (call $emit (call $fd_seek (i32.const 9) (i64.const 0) (i32.const 0) (i32.const 1024)))
            (call $emit (call $fd_prestat_get (i32.const 3) (i32.const 1024)))
            (call $emit (call $path_open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 1024)))
            (call $emit (call $fd_pread (i32.const 0) (i32.const 1024) (i32.const 1) (i64.const 0) (i32.const 8)))
            (call $emit (call $fd_sync (i32.const 1)))
            (call $emit (call $fd_sync (i32.const 5)))
            (call $emit (call $proc_raise (i32.const 6)))
            (call $emit (call $sched_yield))
            (call $emit (call $clock_time_get (i32.const 9) (i64.const 0) (i32.const 1024)))
            (call $emit (call $clock_res_get (i32.const 4) (i32.const 1024)))
            (call $emit (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 0) (i32.const 8)))
            (call $emit (call $fd_close (i32.const 0)))
            (call $emit (call $fd_close (i32.const 0)))
            (call $emit (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
            (drop (call $fd_close (i32.const 1)))
            (call $emit (i32.const 46))
            """);
        var result = fixture.Run(wat);

        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        byte[] expected = [8, 8, 8, 70, 8, 8, 76, 70, 76, 8, 52, 0, 28, 28, 28, 0, 8, 8];
        Assert.Equal(expected, result.Stdout.ToArray());
    }

    [Fact]
    public void EverySupportedFunctionLinksWithItsCatalogSignature()
    {
        var imports = new StringBuilder();
        foreach (var name in WasiPreview1.SupportedFunctions)
        {
            var signature = WasiPreview1.SignatureOf(name);
            var parameters = string.Join(' ', signature.Parameters.Select(Kind));
            var results = string.Join(' ', signature.Results.Select(Kind));
            imports.AppendLine($"""(import "wasi_snapshot_preview1" "{name}" (func (param {parameters}) (result {results})))""");
        }

        using var module = Module.FromText(fixture.Engine, "all", $"(module {imports} (memory (export \"memory\") 1) (func (export \"_start\")))");
        var result = fixture.Runner.Run(module, WasiFixture.Options(), 1_000);

        output.WriteLine($"{WasiPreview1.SupportedFunctions.Count} functions: {string.Join(", ", WasiPreview1.SupportedFunctions)}");
        Assert.Equal(40, WasiPreview1.SupportedFunctions.Count);
        Assert.Empty(WasiPreview1.Check(module));
        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        Assert.True(WasiPreview1.IsSupported("fd_write"));
        Assert.True(WasiPreview1.IsSupported("path_open"));
        Assert.False(WasiPreview1.IsSupported("sock_send"));
        Assert.False(WasiPreview1.IsSupported("fd_renumber"));
    }

    [Fact]
    public void AModuleWithoutWasiImportsIsNotAWasiProgram()
    {
        using var module = Module.FromText(fixture.Engine, "onvm", """(module (import "env" "f" (func)) (memory (export "memory") 1))""");
        Assert.False(WasiPreview1.ImportsWasi(module));
    }

    private static string Kind(ValueKind kind) => kind == ValueKind.Int64 ? "i64" : "i32";
}
