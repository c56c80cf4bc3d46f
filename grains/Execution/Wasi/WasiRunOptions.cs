namespace Marketplace.Grains.Execution.Wasi;

/// <summary>What one WASI run sees: its input, arguments, environment, logical time and random seed, and the caps on
/// what it may emit. Everything a program can observe comes from here, so equal options (and equal fuel) give equal
/// runs. Checked by <see cref="WasiRunOptionsValidator"/> when a run starts.</summary>
internal sealed class WasiRunOptions
{
    /// <summary>The job id. Seeds <c>random_get</c> (see <see cref="WasiContext"/>); required, non-empty.</summary>
    public required string JobId { get; init; }

    /// <summary>The program name, passed as <c>argv[0]</c>; required, non-empty, no NUL.</summary>
    public required string ProgramName { get; init; }

    /// <summary>The job's arguments, <c>argv[1..]</c>, in order. Default: none. No NUL inside.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The job's environment, in order, each seen by the program as <c>KEY=VALUE</c>. Default: empty.
    /// Keys are non-empty without <c>=</c>; neither keys nor values hold NUL.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>The bytes the program reads from stdin (fd 0). Default: empty.</summary>
    public ReadOnlyMemory<byte> Input { get; init; }

    /// <summary>The job's logical instant: <c>CLOCK_REALTIME</c> starts here (the monotonic and CPU-time clocks start
    /// at 0) and every clock reading advances all clocks by 1 µs. Default: the Unix epoch. Must lie from the epoch to before the year 2500 (WASI timestamps are u64
    /// nanoseconds).</summary>
    public DateTimeOffset StartTime { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>The most bytes the program may write to stdout. A write that would pass it ends the run with
    /// <see cref="WasiRunOutcome.OutputLimitExceeded"/> (never a truncated output). Default: 1 MiB; at least 1.</summary>
    public int StdoutLimitBytes { get; init; } = 1 << 20;

    /// <summary>The most stderr bytes kept as log lines; later bytes are dropped and one note line says how many.
    /// Default: 64 KiB; at least 1.</summary>
    public int StderrLimitBytes { get; init; } = 64 << 10;

    /// <summary>The most bytes of linear memory (Wasmtime's store limit): growing past it makes <c>memory.grow</c>
    /// return -1, and a module whose initial memory is larger cannot start. Default: 64 MiB; at least one 64 KiB
    /// page.</summary>
    public long MemoryLimitBytes { get; init; } = 64L << 20;

    /// <summary>When set, the store's epoch deadline in ticks beyond the engine's current epoch (for an engine built
    /// with epoch interruption; reaching it ends the run with <see cref="WasiRunOutcome.Interrupted"/>). Default:
    /// null, no deadline is set; an engine with epoch interruption then interrupts at the first check, so such an
    /// engine needs a value here.</summary>
    public ulong? EpochDeadlineTicks { get; init; }
}
