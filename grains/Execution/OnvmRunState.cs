// Design note: everything one attempt of a run needs inside host functions: the interrupt flag, the instance's
// memory, the committed state snapshot plus the write overlay, the prefetched blobs and the log buffer. It is the
// Wasmtime store's data: host functions get it from their Caller (Caller.GetData), never from a thread-static, and
// charge fuel through the same Caller. Guest pointers and lengths are unsigned i32s and every range is checked
// before use; a bad range gives the error code the ABI table names, never an exception. What a host function
// cannot answer with an error code (a missing capability, fuel running out inside the call) it ends with a
// HostTrapException.

using System.Text;
using System.Text.Unicode;
using Marketplace.GrainInterfaces;
using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>The state of one run attempt that the ONVM host functions work on (the store's data).</summary>
internal sealed partial class OnvmRunState
{
    /// <summary>Fuel every host call costs on top of the call instruction.</summary>
    public const int HostCallFuel = 10;

    private readonly ProgramOptions _options;
    private readonly IReadOnlyDictionary<string, byte[]> _blobs;
    private readonly HashSet<string> _capabilities;
    private readonly List<JobLogEntry> _logs = [];
    private readonly int _attempt;
    private long _logBytes;
    private bool _logsDropped;
    private volatile bool _interrupted;

    public OnvmRunState(
        StateView state,
        IReadOnlyDictionary<string, byte[]> blobs,
        IEnumerable<string> capabilities,
        ProgramOptions options,
        int attempt)
    {
        State = state;
        _blobs = blobs;
        _capabilities = new HashSet<string>(capabilities, StringComparer.Ordinal);
        _options = options;
        _attempt = attempt;
    }

    /// <summary>The instance's exported memory, once instantiated (or first looked up through a caller).</summary>
    public Memory? Memory { get; set; }

    /// <summary>The committed state the attempt reads.</summary>
    public StateView State { get; }

    /// <summary>The log lines written so far.</summary>
    public List<JobLogEntry> Logs => _logs;

    /// <summary>A host function failed inside (a bug, not the program's fault); the run reports it.</summary>
    public Exception? HostFailure { get; private set; }

    /// <summary>Whether <see cref="Interrupt"/> was called.</summary>
    public bool Interrupted => _interrupted;

    /// <summary>The run state of the store the caller runs in.</summary>
    public static OnvmRunState From(Caller caller) =>
        caller.GetData() as OnvmRunState
            ?? throw new HostTrapException(ProgramRunOutcome.Trapped, "an ONVM host function was called outside a program run");

    /// <summary>Asks the run to stop: the next epoch tick unwinds the guest (any thread, any time).</summary>
    public void Interrupt() => _interrupted = true;

    /// <summary>The epoch-deadline callback of the run's store: stops an interrupted run, else checks again at the
    /// next tick.</summary>
    public static ulong OnEpochDeadline(Store store)
    {
        if (store.GetData() is OnvmRunState { Interrupted: true })
        {
            throw new SandboxInterruptedException();
        }

        return 1;
    }

    /// <summary>Turns an unexpected host exception into a trap and remembers it.</summary>
    public HostTrapException Fail(string function, Exception e)
    {
        HostFailure ??= e;
        return new HostTrapException(ProgramRunOutcome.Trapped, $"host function {function} failed: {e.GetType().Name}: {e.Message}", e);
    }

    /// <summary><c>onvm_log(level, msg_ptr, msg_len) → i32</c>.</summary>
    public int Log(Caller caller, int level, int ptr, int length)
    {
        Charge(caller, length);
        if (level is < 0 or > 3)
        {
            return -4;
        }

        if (!TryGet(caller, ptr, length, out var bytes))
        {
            return -2;
        }

        if (!Utf8.IsValid(bytes))
        {
            return -3;
        }

        if (_logsDropped)
        {
            return 0;
        }

        if (_logs.Count >= _options.MaxLogLines || _logBytes + bytes.Length > _options.MaxLogBytes)
        {
            _logsDropped = true;
            _logs.Add(new JobLogEntry
            {
                Timestamp = DateTimeOffset.UtcNow,
                Level = "warn",
                Message = $"log limit reached ({_options.MaxLogLines} lines or {_options.MaxLogBytes} bytes per run); further lines dropped",
                Attempt = _attempt,
            });
            return 0;
        }

        _logBytes += bytes.Length;
        _logs.Add(new JobLogEntry
        {
            Timestamp = DateTimeOffset.UtcNow,
            Level = level switch { 0 => "trace", 1 => "debug", 2 => "info", _ => "warn" },
            Message = Encoding.UTF8.GetString(bytes),
            Attempt = _attempt,
        });
        return 0;
    }

    /// <summary><c>onvm_now_ms() → i64</c> (capability <c>time</c>).</summary>
    public long NowMs(Caller caller)
    {
        Require(OnvmImports.TimeCapability);
        Charge(caller, 0);
        return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary><c>onvm_random_bytes(out_ptr, out_len) → i32</c> (capability <c>random</c>).</summary>
    public int RandomBytes(Caller caller, int ptr, int length)
    {
        Require(OnvmImports.RandomCapability);
        Charge(caller, length);
        if (!TryGet(caller, ptr, length, out var destination))
        {
            return -1;
        }

        System.Security.Cryptography.RandomNumberGenerator.Fill(destination);
        return 0;
    }

    /// <summary>Charges <see cref="HostCallFuel"/> plus one unit per started 64 bytes; traps with
    /// <see cref="ProgramRunOutcome.OutOfFuel"/> (fuel left at 0) when the budget cannot pay.</summary>
    private static void Charge(Caller caller, long bytes, long extra = 0)
    {
        var units = (ulong)(HostCallFuel + extra + ((Math.Max(0, bytes) + 63) / 64));
        var left = caller.Fuel;
        if (left < units)
        {
            caller.Fuel = 0;
            throw new HostTrapException(ProgramRunOutcome.OutOfFuel, "all fuel consumed by a host call");
        }

        caller.Fuel = left - units;
    }

    /// <summary>The guest range [ptr, ptr + length) as a span, when it lies inside memory.</summary>
    private bool TryGet(Caller caller, int ptr, int length, out Span<byte> span)
    {
        var memory = Memory ??= caller.GetMemory("memory")
            ?? throw new HostTrapException(ProgramRunOutcome.Trapped, "a host function was called without an exported memory named 'memory'");
        var start = (ulong)(uint)ptr;
        var count = (ulong)(uint)length;
        if (start + count > (ulong)memory.GetLength())
        {
            span = default;
            return false;
        }

        span = memory.GetSpan((long)start, (int)count);
        return true;
    }

    private void Require(string capability)
    {
        if (!_capabilities.Contains(capability))
        {
            throw new HostTrapException(ProgramRunOutcome.Trapped, $"the program's manifest does not grant the '{capability}' capability");
        }
    }
}
