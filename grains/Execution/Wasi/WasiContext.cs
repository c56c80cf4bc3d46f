// Design note: the state of one WASI run, kept as the Wasmtime store's data and reached by host functions through
// Caller.GetData(), so two runs on two threads never share anything. It holds what the program may observe (input,
// argv and environ blobs laid out once, the logical clock, the random stream) and what it produced (stdout,
// stderr, exit code, the reason the run was ended by the host). All of it is a function of WasiRunOptions and of the
// sequence of host calls, which is what makes a run deterministic.
//
// Logical clock: one counter of elapsed nanoseconds, starting at 0. A clock reading returns the clock's base plus
// the counter, then adds 1,000 ns (1 µs) to it; a poll_oneoff clock subscription moves the counter forward to its
// deadline. CLOCK_REALTIME's base is WasiRunOptions.StartTime; the monotonic and CPU-time clocks start at 0.
//
// Random stream: block i (i = 0, 1, ...) is SHA-256("marketplace-wasi-random-v1" || 0x00 || UTF-8(job id) ||
// i as 8 bytes big-endian); random_get hands out the concatenation of the blocks in order, continuing where the
// previous call stopped.

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>The per-run state of the WASI host: create one per run from its options and pass it as the store's data
/// (<c>new Store(engine, context)</c>); read the results from it after the run.</summary>
internal sealed partial class WasiContext
{
    /// <summary>How far every clock advances per reading, in nanoseconds (1 µs); also the reported resolution.</summary>
    public const ulong ClockStepNanoseconds = 1_000;

    /// <summary>Host calls that move bytes (fd_read, fd_write, random_get, args_get, environ_get) charge one unit of
    /// fuel per this many bytes, rounded up, on top of the wasm code's fuel.</summary>
    public const int BytesPerFuel = 16;

    private const string RandomDomain = "marketplace-wasi-random-v1";

    private readonly ReadOnlyMemory<byte> _input;
    private readonly ulong _realtimeBase;
    private readonly byte[] _randomPreimage;
    private readonly byte[] _randomBlock = new byte[SHA256.HashSizeInBytes];
    private readonly bool[] _closed = new bool[3];
    private int _inputPosition;
    private ulong _elapsed;
    private ulong _randomCounter;
    private int _randomOffset = SHA256.HashSizeInBytes;

    /// <summary>Creates the state of one run.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="WasiRunOptionsValidator"/>).</exception>
    public WasiContext(WasiRunOptions options)
    {
        WasiRunOptionsValidator.Validate(options);
        Options = options;
        _input = options.Input;
        _realtimeBase = (ulong)(options.StartTime - DateTimeOffset.UnixEpoch).Ticks * 100;

        var arguments = new string[options.Arguments.Count + 1];
        arguments[0] = options.ProgramName;
        for (var i = 0; i < options.Arguments.Count; i++)
        {
            arguments[i + 1] = options.Arguments[i];
        }

        Arguments = new StringBlock(arguments);
        var environment = new string[options.Environment.Count];
        for (var i = 0; i < environment.Length; i++)
        {
            environment[i] = $"{options.Environment[i].Key}={options.Environment[i].Value}";
        }

        Environment = new StringBlock(environment);
        var domain = Encoding.UTF8.GetBytes(RandomDomain);
        var job = Encoding.UTF8.GetBytes(options.JobId);
        _randomPreimage = new byte[domain.Length + 1 + job.Length + 8];
        domain.CopyTo(_randomPreimage, 0);
        job.CopyTo(_randomPreimage, domain.Length + 1);
        _stdout = new byte[Math.Min(options.StdoutLimitBytes, 4096)];
    }

    /// <summary>The options the run was created with.</summary>
    public WasiRunOptions Options { get; }

    /// <summary>argv: the program name then the arguments.</summary>
    public StringBlock Arguments { get; }

    /// <summary>environ: <c>KEY=VALUE</c> strings.</summary>
    public StringBlock Environment { get; }

    /// <summary>The exit code given to <c>proc_exit</c>, or null when it was not called.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Why the host ended the run early (other than <c>proc_exit</c>), or null.</summary>
    public WasiRunOutcome? Failure { get; private set; }

    /// <summary>The message that goes with <see cref="Failure"/>.</summary>
    public string? FailureMessage { get; private set; }

    /// <summary>Whether a host function ended the run (<c>proc_exit</c> or a <see cref="Failure"/>).</summary>
    public bool Ended => ExitCode is not null || Failure is not null;

    /// <summary>Whether fd is 0, 1 or 2 and not closed.</summary>
    public bool IsOpen(int fd) => (uint)fd < 3 && !_closed[fd];

    /// <summary>Closes a stdio descriptor; false when it is not open.</summary>
    public bool Close(int fd)
    {
        if (!IsOpen(fd))
        {
            return false;
        }

        _closed[fd] = true;
        return true;
    }

    /// <summary>Copies the next input bytes into <paramref name="destination"/>; returns how many (0 at the end).</summary>
    public int ReadInput(Span<byte> destination)
    {
        var remaining = _input.Span[_inputPosition..];
        var count = Math.Min(remaining.Length, destination.Length);
        remaining[..count].CopyTo(destination);
        _inputPosition += count;
        return count;
    }

    /// <summary>Input bytes not read yet.</summary>
    public int InputRemaining => _input.Length - _inputPosition;

    /// <summary>Reads a clock and advances the logical time by <see cref="ClockStepNanoseconds"/>.</summary>
    /// <returns>False for an unknown clock id.</returns>
    public bool TryReadClock(int clockId, out ulong nanoseconds)
    {
        if (!TryClockBase(clockId, out var clockBase))
        {
            nanoseconds = 0;
            return false;
        }

        nanoseconds = clockBase + _elapsed;
        _elapsed += ClockStepNanoseconds;
        return true;
    }

    /// <summary>The logical time elapsed since the start, in nanoseconds, as a clock subscription sees it: a deadline
    /// on clock <paramref name="clockId"/> (absolute or relative to now) converted to elapsed time.</summary>
    /// <returns>False for an unknown clock id.</returns>
    public bool TryDeadline(int clockId, ulong timeout, bool absolute, out ulong elapsedDeadline)
    {
        if (!TryClockBase(clockId, out var clockBase))
        {
            elapsedDeadline = 0;
            return false;
        }

        elapsedDeadline = absolute
            ? (timeout > clockBase ? timeout - clockBase : 0)
            : (ulong.MaxValue - _elapsed < timeout ? ulong.MaxValue : _elapsed + timeout);
        return true;
    }

    /// <summary>Moves the logical time forward to <paramref name="elapsedDeadline"/> (never back).</summary>
    public void AdvanceTo(ulong elapsedDeadline) => _elapsed = Math.Max(_elapsed, elapsedDeadline);

    /// <summary>Fills <paramref name="destination"/> with the next bytes of the job's random stream.</summary>
    public void FillRandom(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            if (_randomOffset == _randomBlock.Length)
            {
                BinaryPrimitives.WriteUInt64BigEndian(_randomPreimage.AsSpan(_randomPreimage.Length - 8), _randomCounter++);
                SHA256.HashData(_randomPreimage, _randomBlock);
                _randomOffset = 0;
            }

            var count = Math.Min(destination.Length, _randomBlock.Length - _randomOffset);
            _randomBlock.AsSpan(_randomOffset, count).CopyTo(destination);
            _randomOffset += count;
            destination = destination[count..];
        }
    }

    /// <summary>Records <c>proc_exit(code)</c>; the host function then throws the returned exception to unwind the
    /// guest (<c>throw context.Exit(code)</c>).</summary>
    public WasiRunAbortedException Exit(int code)
    {
        ExitCode = code;
        return new WasiRunAbortedException($"proc_exit({code})");
    }

    /// <summary>Records why the host ends the run; the host function then throws the returned exception
    /// (<c>throw context.Fail(...)</c>).</summary>
    public WasiRunAbortedException Fail(WasiRunOutcome outcome, string message)
    {
        Failure = outcome;
        FailureMessage = message;
        return new WasiRunAbortedException(message);
    }

    private bool TryClockBase(int clockId, out ulong clockBase)
    {
        switch (clockId)
        {
            case 0: // CLOCK_REALTIME
                clockBase = _realtimeBase;
                return true;
            case 1: // CLOCK_MONOTONIC
            case 2: // CLOCK_PROCESS_CPUTIME_ID
            case 3: // CLOCK_THREAD_CPUTIME_ID
                clockBase = 0;
                return true;
            default:
                clockBase = 0;
                return false;
        }
    }

    /// <summary>A list of strings laid out as WASI passes argv and environ: each UTF-8 encoded and NUL-terminated,
    /// back to back in one buffer.</summary>
    internal sealed class StringBlock
    {
        /// <summary>Lays out the strings.</summary>
        public StringBlock(IReadOnlyList<string> strings)
        {
            Offsets = new int[strings.Count];
            var size = 0;
            for (var i = 0; i < strings.Count; i++)
            {
                size += Encoding.UTF8.GetByteCount(strings[i]) + 1;
            }

            Bytes = new byte[size];
            var at = 0;
            for (var i = 0; i < strings.Count; i++)
            {
                Offsets[i] = at;
                at += Encoding.UTF8.GetBytes(strings[i], Bytes.AsSpan(at)) + 1;
            }
        }

        /// <summary>The strings, each followed by a NUL.</summary>
        public byte[] Bytes { get; }

        /// <summary>Where each string starts in <see cref="Bytes"/>.</summary>
        public int[] Offsets { get; }
    }
}
