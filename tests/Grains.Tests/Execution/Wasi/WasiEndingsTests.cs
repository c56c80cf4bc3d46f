using System.Text;
using Marketplace.Grains.Execution.Wasi;
using Wasmtime;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Execution.Wasi;

/// <summary>Every way a run ends is a typed result: exit codes, output caps, fuel, epochs, memory, traps and modules
/// that cannot run here.</summary>
public sealed class WasiEndingsTests(WasiFixture fixture, ITestOutputHelper output) : IClassFixture<WasiFixture>
{
    private const string WritePartialThenExit = """
        (data (i32.const 1024) "partial")
        (func (export "_start")
          (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 7)))
          (call $proc_exit (i32.const {0}))
          (call $emit (i32.const 65)))
        """;

    [Fact]
    public void ReturningFromStartSucceedsWithExitCodeZero()
    {
        var result = fixture.Run(Wat.Start("(call $emit (i32.const 33))"));
        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("!", Encoding.UTF8.GetString(result.Stdout.Span));
        Assert.Null(result.Message);
    }

    [Fact]
    public void ProcExitZeroSucceedsAndStopsTheProgram()
    {
        var result = fixture.Run(Wat.Module(WritePartialThenExit.Replace("{0}", "0", StringComparison.Ordinal)));
        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("partial", Encoding.UTF8.GetString(result.Stdout.Span));
    }

    [Fact]
    public void ProcExitThreeIsATypedFailureThatKeepsTheOutputForLogs()
    {
        var result = fixture.Run(Wat.Module(WritePartialThenExit.Replace("{0}", "3", StringComparison.Ordinal)));
        output.WriteLine($"{result.Outcome}: {result.Message}");
        Assert.Equal(WasiRunOutcome.ExitedWithError, result.Outcome);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("partial", Encoding.UTF8.GetString(result.Stdout.Span));
        Assert.Contains("code 3", result.Message, StringComparison.Ordinal);
        Assert.True(result.FuelConsumed > 0);
    }

    [Fact]
    public void WritingPastTheStdoutCapFailsTheRunInsteadOfTruncating()
    {
        var wat = Wat.Module("""
            (data (i32.const 1024) "0123456789")
            (func (export "_start") (local $i i32)
              (loop $again
                (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 10)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (i32.const 3)))))
            """);

        var over = fixture.Run(wat, new WasiRunOptions { JobId = "job-1", ProgramName = "test", StdoutLimitBytes = 25 });
        var exact = fixture.Run(wat, new WasiRunOptions { JobId = "job-1", ProgramName = "test", StdoutLimitBytes = 30 });

        output.WriteLine($"{over.Outcome}: {over.Message}");
        Assert.Equal(WasiRunOutcome.OutputLimitExceeded, over.Outcome);
        Assert.Null(over.ExitCode);
        Assert.Equal("01234567890123456789", Encoding.UTF8.GetString(over.Stdout.Span));
        Assert.Contains("25 bytes", over.Message, StringComparison.Ordinal);
        Assert.Equal(WasiRunOutcome.Succeeded, exact.Outcome);
        Assert.Equal(30, exact.Stdout.Length);
    }

    [Fact]
    public void StderrBecomesLogLinesAndItsExcessIsDroppedWithANote()
    {
        var wat = Wat.Module("""
            (data (i32.const 1024) "line\n")
            (func (export "_start") (local $i i32)
              (loop $again
                (drop (call $write (i32.const 2) (i32.const 1024) (i32.const 5)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (i32.const 100)))))
            """);

        var result = fixture.Run(wat, new WasiRunOptions { JobId = "job-1", ProgramName = "test", StderrLimitBytes = 12 });

        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        Assert.Equal(["line", "line", "li", "[stderr: 488 more bytes dropped over the 12-byte limit]"], result.StderrLines);
        Assert.Equal(0, result.Stdout.Length);
    }

    [Fact]
    public void AnInfiniteLoopRunsOutOfFuel()
    {
        var result = fixture.Run(Wat.Start("(loop $forever (br $forever))"), fuel: 1_000_000);
        Assert.Equal(WasiRunOutcome.OutOfFuel, result.Outcome);
        Assert.Equal(TrapCode.OutOfFuel, result.TrapCode);
        Assert.Equal(1_000_000, result.FuelConsumed);
        Assert.Null(result.ExitCode);
    }

    [Fact]
    public void AnEpochDeadlineInterruptsTheRun()
    {
        using var engine = new Engine(new Config().WithFuelConsumption(true).WithEpochInterruption(true));
        using var runner = new WasiRunner(engine);
        using var module = Module.FromText(engine, "loop", Wat.Start("(loop $forever (br $forever))"));

        // A deadline of 0 ticks beyond the current epoch has passed at the first check: no timing involved.
        var result = runner.Run(module, new WasiRunOptions { JobId = "job-1", ProgramName = "test", EpochDeadlineTicks = 0 }, 1_000_000);

        Assert.Equal(WasiRunOutcome.Interrupted, result.Outcome);
        Assert.Equal(TrapCode.Interrupt, result.TrapCode);
    }

    [Fact]
    public void InitialMemoryOverTheLimitIsAMemoryLimitFailure()
    {
        var result = fixture.Run("""(module (memory (export "memory") 32) (func (export "_start")))""",
            new WasiRunOptions { JobId = "job-1", ProgramName = "test", MemoryLimitBytes = 1 << 20 });
        output.WriteLine(result.Message);
        Assert.Equal(WasiRunOutcome.MemoryLimit, result.Outcome);
    }

    [Fact]
    public void GrowingPastTheLimitFailsInsideTheProgram()
    {
        var result = fixture.Run(Wat.Start("""
            (call $emit (i32.eq (memory.grow (i32.const 100)) (i32.const -1)))
            (call $emit (memory.grow (i32.const 1)))
            """), new WasiRunOptions { JobId = "job-1", ProgramName = "test", MemoryLimitBytes = 1 << 20 });
        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        Assert.Equal([1, 1], result.Stdout.ToArray());
    }

    [Fact]
    public void AWasmTrapCarriesWasmtimesTrapCode()
    {
        var result = fixture.Run(Wat.Start("(call $emit (i32.const 1)) unreachable"));
        output.WriteLine(result.Message);
        Assert.Equal(WasiRunOutcome.Trapped, result.Outcome);
        Assert.Equal(TrapCode.Unreachable, result.TrapCode);
        Assert.NotNull(result.Message);
        Assert.Equal([1], result.Stdout.ToArray());
    }

    [Theory]
    [InlineData("""(import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))""", "sock_accept: not provided")]
    [InlineData("""(import "wasi_snapshot_preview1" "fd_renumber" (func (param i32 i32) (result i32)))""", "fd_renumber: not provided")]
    [InlineData("""(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32) (result i32)))""", "signature (i32, i32, i32) -> (i32) differs from (i32, i32, i32, i32) -> (i32)")]
    [InlineData("""(import "env" "log" (func (param i32)))""", "import env.log: only wasi_snapshot_preview1")]
    public void UnsupportedImportsAreRejectedBeforeRunning(string import, string expected)
    {
        var wat = $$"""(module {{import}} (memory (export "memory") 1) (func (export "_start")))""";
        using var module = Module.FromText(fixture.Engine, "bad", wat);
        var problems = WasiPreview1.Check(module);
        var result = fixture.Runner.Run(module, WasiFixture.Options(), 1_000);

        output.WriteLine(string.Join(Environment.NewLine, problems));
        Assert.Single(problems);
        Assert.Contains(expected, problems[0], StringComparison.Ordinal);
        Assert.Equal(WasiRunOutcome.InvalidProgram, result.Outcome);
        Assert.Equal(0, result.FuelConsumed);
    }

    [Theory]
    [InlineData("", "test", "JobId")]
    [InlineData("job-1", "", "ProgramName")]
    public void InvalidOptionsNameTheField(string jobId, string programName, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => new WasiContext(new WasiRunOptions { JobId = jobId, ProgramName = programName }));
        Assert.Contains($"WasiRunOptions.{field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidLimitsAndTimesNameTheFieldAndValue()
    {
        var stdout = Assert.Throws<ArgumentException>(() => new WasiContext(new WasiRunOptions { JobId = "j", ProgramName = "p", StdoutLimitBytes = 0 }));
        Assert.Contains("WasiRunOptions.StdoutLimitBytes = 0", stdout.Message, StringComparison.Ordinal);
        var time = Assert.Throws<ArgumentException>(() => new WasiContext(new WasiRunOptions { JobId = "j", ProgramName = "p", StartTime = new DateTimeOffset(2600, 1, 1, 0, 0, 0, TimeSpan.Zero) }));
        Assert.Contains("WasiRunOptions.StartTime = 2600-01-01", time.Message, StringComparison.Ordinal);
        var environment = Assert.Throws<ArgumentException>(() => new WasiContext(new WasiRunOptions { JobId = "j", ProgramName = "p", Environment = [new("A=B", "1")] }));
        Assert.Contains("WasiRunOptions.Environment[0]", environment.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACommandNeedsMemoryAndStartExports()
    {
        using var module = Module.FromText(fixture.Engine, "bare", "(module (memory 1) (func (export \"main\")))");
        var problems = WasiPreview1.Check(module);
        Assert.Equal(2, problems.Count);
        Assert.Contains("export memory", problems[0], StringComparison.Ordinal);
        Assert.Contains("export _start", problems[1], StringComparison.Ordinal);
    }
}
