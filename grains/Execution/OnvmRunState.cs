// Design note: everything one attempt of a run needs inside host functions: the store (fuel), the instance's
// memory, the committed state snapshot plus the write overlay, the prefetched blobs and the log buffer. The engine
// has no caller object, so host functions find the run through a thread-static set around instantiation and the
// entrypoint call (both run synchronously on the calling thread). Guest pointers and lengths are unsigned i32s and
// every range is checked before use; a bad range gives the error code the ABI table names, never an exception.

using System.Text;
using System.Text.Unicode;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Programs;
using Marketplace.Wasm;

namespace Marketplace.Grains.Execution;

/// <summary>The state of one run attempt that the ONVM host functions work on.</summary>
internal sealed partial class OnvmRunState
{
    /// <summary>Fuel every host call costs on top of the call instruction.</summary>
    public const int HostCallFuel = 10;

    [ThreadStatic]
    private static OnvmRunState? t_current;

    private readonly ProgramOptions _options;
    private readonly IReadOnlyDictionary<string, byte[]> _blobs;
    private readonly HashSet<string> _capabilities;
    private readonly List<JobLogEntry> _logs = [];
    private readonly int _attempt;
    private long _logBytes;
    private bool _logsDropped;

    public OnvmRunState(
        Store store,
        StateView state,
        IReadOnlyDictionary<string, byte[]> blobs,
        IEnumerable<string> capabilities,
        ProgramOptions options,
        int attempt)
    {
        Store = store;
        State = state;
        _blobs = blobs;
        _capabilities = new HashSet<string>(capabilities, StringComparer.Ordinal);
        _options = options;
        _attempt = attempt;
    }

    /// <summary>The store of the attempt.</summary>
    public Store Store { get; }

    /// <summary>The instance's exported memory, once instantiated.</summary>
    public Memory? Memory { get; set; }

    /// <summary>The committed state the attempt reads.</summary>
    public StateView State { get; }

    /// <summary>The log lines written so far.</summary>
    public List<JobLogEntry> Logs => _logs;

    /// <summary>A host function failed inside (a bug, not the program's fault); the run reports it.</summary>
    public Exception? HostFailure { get; private set; }

    /// <summary>The run state of the calling thread; traps when a host function runs outside a run.</summary>
    public static OnvmRunState Current =>
        t_current ?? throw new WasmTrap(TrapCode.Unreachable, "an ONVM host function was called outside a program run");

    /// <summary>Makes this the calling thread's run state until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        var previous = t_current;
        t_current = this;
        return new Scope(previous);
    }

    /// <summary>Turns an unexpected host exception into a trap and remembers it.</summary>
    public WasmTrap Fail(string function, Exception e)
    {
        HostFailure ??= e;
        return new WasmTrap(TrapCode.Unreachable, $"host function {function} failed: {e.Message}");
    }

    /// <summary><c>onvm_log(level, msg_ptr, msg_len) → i32</c>.</summary>
    public int Log(int level, int ptr, int length)
    {
        Charge(length);
        if (level is < 0 or > 3)
        {
            return -4;
        }

        if (!TryGet(ptr, length, out var bytes))
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
    public long NowMs()
    {
        Require(OnvmImports.TimeCapability);
        Charge(0);
        return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary><c>onvm_random_bytes(out_ptr, out_len) → i32</c> (capability <c>random</c>).</summary>
    public int RandomBytes(int ptr, int length)
    {
        Require(OnvmImports.RandomCapability);
        Charge(length);
        if (!TryGet(ptr, length, out var destination))
        {
            return -1;
        }

        System.Security.Cryptography.RandomNumberGenerator.Fill(destination);
        return 0;
    }

    /// <summary>Charges <see cref="HostCallFuel"/> plus one unit per started 64 bytes.</summary>
    private void Charge(long bytes, long extra = 0)
    {
        var units = HostCallFuel + extra + ((Math.Max(0, bytes) + 63) / 64);
        Store.ConsumeFuel((ulong)units);
    }

    /// <summary>The guest range [ptr, ptr + length) as a span, when it lies inside memory.</summary>
    private bool TryGet(int ptr, int length, out Span<byte> span)
    {
        var memory = Memory ?? throw new WasmTrap(TrapCode.Unreachable, "a host function was called before the module's memory was available (start function)");
        var start = (ulong)(uint)ptr;
        var count = (ulong)(uint)length;
        if (start + count > (ulong)memory.ByteLength)
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
            throw new WasmTrap(TrapCode.Unreachable, $"the program's manifest does not grant the '{capability}' capability");
        }
    }

    /// <summary>Restores the previous run state of the thread.</summary>
    public readonly struct Scope(OnvmRunState? previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => t_current = previous;
    }
}
