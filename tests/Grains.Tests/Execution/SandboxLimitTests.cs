using System.Text;
using Marketplace.Grains.Execution;
using Wasmtime;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Execution;

/// <summary>Our use of Wasmtime's limits: fuel, memory, stack, interruption, and the worker path serving the next
/// run after each bad program. One of them measures the resident set, so the class runs alone.</summary>
[Collection(ResidentSetCollection.Name)]
public sealed class SandboxLimitTests(ITestOutputHelper output) : IDisposable
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "onvm_main") (param i32 i32) (result i32 i32) (local.get 0) (local.get 1)))
        """;

    private readonly SandboxHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    internal static byte[] Wat(string text) => Module.ConvertText(text);

    [Fact]
    public async Task AnInfiniteLoopRunsOutOfFuelAtTheBudgetAndTheNextRunSucceeds()
    {
        var loop = Wat("""
            (module (memory (export "memory") 1)
              (func (export "onvm_main") (param i32 i32) (result i32 i32) (loop $l (br $l)) (i32.const 0) (i32.const 0)))
            """);
        var result = await _harness.RunAsync(loop, [], maxFuel: 3_000_000);
        Assert.Equal(ProgramRunOutcome.OutOfFuel, result.Outcome);
        Assert.Equal(3_000_000, result.FuelConsumed);
        await AssertServesNextAsync();
    }

    [Fact]
    public async Task DeepRecursionIsAStackOverflowWithTheTrapCode()
    {
        var recursion = Wat("""
            (module (memory (export "memory") 1)
              (func $down (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1))))
              (func (export "onvm_main") (param i32 i32) (result i32 i32) (drop (call $down (i32.const 0))) (i32.const 0) (i32.const 0)))
            """);
        var result = await _harness.RunAsync(recursion, [], maxFuel: 500_000_000);
        Assert.Equal(ProgramRunOutcome.StackOverflow, result.Outcome);
        Assert.Contains("StackOverflow", result.Error, StringComparison.Ordinal);
        Assert.Contains("call stack exhausted", result.Error, StringComparison.Ordinal);
        await AssertServesNextAsync();
    }

    [Fact]
    public async Task AMemoryBombIsOutOfMemoryAtTheLimit()
    {
        var bomb = Wat(MemoryBomb);
        var result = await _harness.RunAsync(bomb, [], maxFuel: 500_000_000, maxMemoryBytes: 8L << 20);
        Assert.Equal(ProgramRunOutcome.OutOfMemory, result.Outcome);
        Assert.Contains("memory limit of 8388608 bytes", result.Error, StringComparison.Ordinal);
        await AssertServesNextAsync();
    }

    /// <summary>Grows to the limit, touches every byte (memory.fill), then traps as an allocation failure does.</summary>
    private const string MemoryBomb = """
        (module (memory (export "memory") 1)
          (func (export "onvm_main") (param i32 i32) (result i32 i32)
            (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
            (memory.fill (i32.const 0) (i32.const 1) (i32.shl (memory.size) (i32.const 16)))
            unreachable))
        """;

    /// <summary>Each run's linear memory goes back to the system when its run ends (the pooling allocator keeps
    /// <see cref="SandboxEngine.KeepResidentBytes"/> of a freed slot): 100 runs that each touch 64 MiB, four at a time,
    /// leave the process's resident set within 128 MiB of where it was after the first four.</summary>
    [Fact]
    public async Task AHundredMemoryBombsLeaveTheResidentSetBounded()
    {
        const long limit = 64L << 20;
        var bomb = Wat(MemoryBomb);
        async Task BatchAsync()
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _harness.RunAsync(bomb, [], maxFuel: 500_000_000, maxMemoryBytes: limit)));
            Assert.All(results, r => Assert.True(ProgramRunOutcome.OutOfMemory == r.Outcome, r.Error));
        }

        await BatchAsync();
        var baseline = ResidentBytes();
        var peak = baseline;
        for (var i = 0; i < 24; i++)
        {
            await BatchAsync();
            peak = Math.Max(peak, ResidentBytes());
        }

        var after = ResidentBytes();
        output.WriteLine($"VmRSS after the first 4 runs {baseline >> 20} MiB, highest between batches {peak >> 20} MiB, after 100 {after >> 20} MiB (bound +128 MiB; 100 x 64 MiB if leaked)");
        Assert.True(after - baseline < 2 * limit, $"VmRSS grew from {baseline >> 20} MiB to {after >> 20} MiB");
        await AssertServesNextAsync();
    }

    [Fact]
    public async Task AnInputOverTheModulesDeclaredMaximumIsOutOfMemory()
    {
        var capped = Wat("""
            (module (memory (export "memory") 1 2)
              (func (export "onvm_main") (param i32 i32) (result i32 i32) (local.get 0) (local.get 1)))
            """);
        var result = await _harness.RunAsync(capped, new byte[2 * 65536]);
        Assert.Equal(ProgramRunOutcome.OutOfMemory, result.Outcome);
        Assert.Contains("declared maximum", result.Error, StringComparison.Ordinal);
        await AssertServesNextAsync();
    }

    [Fact]
    public async Task HostCallsWithOutOfBoundsPointersGetErrorCodes()
    {
        // onvm_log and onvm_state_put with ranges past the end of memory (and wrapping past 4 GiB) answer their
        // error codes; the program returns them as its output.
        var module = Wat("""
            (module
              (import "env" "onvm_log" (func $log (param i32 i32 i32) (result i32)))
              (import "env" "onvm_state_put" (func $put (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "onvm_main") (param i32 i32) (result i32 i32)
                (i32.store (i32.const 0) (call $log (i32.const 2) (i32.const 65530) (i32.const 100)))
                (i32.store (i32.const 4) (call $log (i32.const 2) (i32.const -16) (i32.const 32)))
                (i32.store (i32.const 8) (call $put (i32.const -1) (i32.const 2) (i32.const 0) (i32.const 1)))
                (i32.store (i32.const 12) (call $put (i32.const 0) (i32.const 1) (i32.const 65535) (i32.const 2)))
                (i32.const 0) (i32.const 16)))
            """);
        var result = await _harness.RunAsync(module, []);
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        var codes = Enumerable.Range(0, 4).Select(i => BitConverter.ToInt32(result.Output, i * 4)).ToArray();
        Assert.Equal([-2, -2, -1, -2], codes);
        Assert.Empty(result.Writes);
    }

    [Fact]
    public async Task AMissingCapabilityIsAHostTrapWithAClearMessage()
    {
        var module = Wat("""
            (module
              (import "env" "onvm_now_ms" (func $now (result i64)))
              (memory (export "memory") 1)
              (func (export "onvm_main") (param i32 i32) (result i32 i32) (drop (call $now)) (i32.const 0) (i32.const 0)))
            """);
        var result = await _harness.RunAsync(module, []);
        Assert.Equal(ProgramRunOutcome.Trapped, result.Outcome);
        Assert.Contains("does not grant the 'time' capability", result.Error, StringComparison.Ordinal);
        await AssertServesNextAsync();
    }

    /// <summary>A program that runs for hours unless stopped: a loop (checked at its header), or a call tree without
    /// loops (checked at function entry).</summary>
    private static byte[] Endless(string kind) => Wat(kind == "loop"
            ? """
              (module (memory (export "memory") 1)
                (func (export "onvm_main") (param i32 i32) (result i32 i32) (loop $l (br $l)) (i32.const 0) (i32.const 0)))
              """
            : """
              (module (memory (export "memory") 1)
                (func $fib (param i64) (result i64)
                  (if (result i64) (i64.lt_u (local.get 0) (i64.const 2)) (then (local.get 0))
                    (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1))) (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
                (func (export "onvm_main") (param i32 i32) (result i32 i32) (drop (call $fib (i64.const 90))) (i32.const 0) (i32.const 0)))
              """);

    [Theory]
    [InlineData("loop")]
    [InlineData("recursion")]
    public async Task InterruptStopsARunWithAHugeBudgetWithinBoundedTime(string kind)
    {
        // A loop (checked at its header) and call trees without loops (checked at function entry).
        var module = Endless(kind);
        ProgramExecution? execution = null;
        var run = _harness.RunAsync(module, [], maxFuel: long.MaxValue / 4, started: e => execution = e);
        var ticks = _harness.Ticker.Ticks;
        while (_harness.Ticker.Ticks < ticks + 5)
        {
            await Task.Delay(10);
        }

        var interrupted = System.Diagnostics.Stopwatch.StartNew();
        execution!.Interrupt();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"{kind}: stopped {interrupted.Elapsed.TotalMilliseconds:F1} ms after Interrupt (tick {_harness.Ticker.TickInterval.TotalMilliseconds} ms)");
        Assert.True(result.Interrupted);
        await AssertServesNextAsync();
    }

    [Theory]
    [InlineData("loop")]
    [InlineData("recursion")]
    public async Task ARunPastItsDeadlineStopsItselfWithoutAnyTimerFiring(string kind)
    {
        // Nobody calls Interrupt: the deadline, already passed when the run starts, is read by the run's own epoch
        // callback. Without it the huge budget would keep the run going for hours.
        var module = Endless(kind);
        var result = await _harness.RunAsync(module, [], maxFuel: long.MaxValue / 4, deadline: System.Diagnostics.Stopwatch.GetTimestamp()).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.Interrupted, result.Error);
        await AssertServesNextAsync();
    }

    [Fact]
    public void ASlowToCompileModuleIsRejectedWithATypedError()
    {
        using var harness = new SandboxHarness(new ProgramOptions { MaxCompileMs = 1 });
        var wasm = LargeModule(functions: 400, operations: 400);
        output.WriteLine($"generated module: {wasm.Length} bytes");
        var e = Assert.Throws<ModuleCompileTimeoutException>(() => harness.Modules.Get(wasm));
        Assert.Equal(1, e.LimitMs);
        Assert.Equal(0, harness.Modules.Count);
    }

    [Fact]
    public async Task ARunBeyondTheInstanceSlotsWaitsForOneInsteadOfFailing()
    {
        using var harness = new SandboxHarness(new ProgramOptions { MaxConcurrentRuns = 2 });
        var held = new[] { harness.Engine.EnterRun(static () => false)!, harness.Engine.EnterRun(static () => false)! };
        var run = harness.RunAsync(Wat(Echo), "queued"u8.ToArray());
        await Until(() => harness.Engine.WaitingRuns == 1, "the run never waited for a slot");
        Assert.False(run.IsCompleted);
        held[0].Dispose();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        Assert.Equal("queued", Encoding.ASCII.GetString(result.Output));
        held[1].Dispose();
        held[1].Dispose(); // a slot is given back once
        var both = await Task.WhenAll(harness.RunAsync(Wat(Echo), "a"u8.ToArray()), harness.RunAsync(Wat(Echo), "b"u8.ToArray()));
        Assert.All(both, r => Assert.Equal(ProgramRunOutcome.Succeeded, r.Outcome));
    }

    [Fact]
    public async Task ARunWaitingForASlotStopsWhenInterrupted()
    {
        using var harness = new SandboxHarness(new ProgramOptions { MaxConcurrentRuns = 1 });
        using var held = harness.Engine.EnterRun(static () => false)!;
        ProgramExecution? execution = null;
        var run = harness.RunAsync(Wat(Echo), [], started: e => execution = e);
        await Until(() => harness.Engine.WaitingRuns == 1, "the run never waited for a slot");
        execution!.Interrupt();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.Interrupted);
        Assert.Equal(0, harness.Engine.WaitingRuns);
    }

    /// <summary>Waits for <paramref name="condition"/> (checked every 5 ms, up to 60 s).</summary>
    private static async Task Until(Func<bool> condition, string failure)
    {
        for (var i = 0; i < 12_000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), failure);
    }

    /// <summary>A valid module of <paramref name="functions"/> functions, each a chain of
    /// <paramref name="operations"/> dependent i32 operations.</summary>
    internal static byte[] LargeModule(int functions, int operations)
    {
        var text = new StringBuilder("(module (memory (export \"memory\") 1)\n");
        for (var f = 0; f < functions; f++)
        {
            text.Append("(func (param i32) (result i32) (local.get 0)");
            for (var i = 0; i < operations; i++)
            {
                text.Append(i % 3 == 0 ? " (i32.const 7) (i32.mul)" : i % 3 == 1 ? " (i32.const 13) (i32.xor)" : " (local.get 0) (i32.add)");
            }

            text.Append(")\n");
        }

        text.Append("(func (export \"onvm_main\") (param i32 i32) (result i32 i32) (local.get 0) (local.get 1)))");
        return Wat(text.ToString());
    }

    private async Task AssertServesNextAsync()
    {
        var next = await _harness.RunAsync(Wat(Echo), "next"u8.ToArray());
        Assert.True(ProgramRunOutcome.Succeeded == next.Outcome, next.Error);
        Assert.Equal("next", Encoding.ASCII.GetString(next.Output));
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS line in /proc/self/status");
    }
}
