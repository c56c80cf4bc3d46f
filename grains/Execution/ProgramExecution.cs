// Design note: one attempt, run synchronously on a sandbox thread, on the host of the module's ABI: ONVM here, WASI
// preview 1 in ProgramExecution.Wasi.cs (same limits, deadline and interrupt; the store's data is then a
// WasiContext). An ONVM attempt is a fresh Wasmtime Store whose data is the run's
// OnvmRunState, with the fuel budget, the job's memory limit (Store.SetLimits, with the silo's fixed table, instance
// and memory counts), a one-tick epoch deadline whose callback stops the run once it is interrupted, then
// instantiation through the ABI's shared linker, the input copied into fresh pages grown at the end of memory
// (never at offset 0: Rust's shadow stack grows down toward 0 below 1 MiB, so a large input there would collide with
// it), the entrypoint called in its shape, and the output range checked before it is copied. The store is disposed
// when the attempt ends, which releases its linear memory (mapped outside the .NET heap) at once. Every Wasmtime
// failure becomes an outcome; nothing but a bug escapes. Interrupt() may be called from any thread at any time, also
// before the store exists. A run given a deadline (a Stopwatch timestamp) also interrupts itself at the first tick past
// it, whatever the pool timer that set the runner's timeout is doing.
//
// Wasmtime does not report a refused memory.grow (the program just sees -1), so a trap with the memory at 75 % of the
// limit or more is reported as OutOfMemory: programs abort right after an allocation fails, and their last grow
// request was at least a quarter of the limit away only when it was huge.

using System.Diagnostics;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution.Wasi;
using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>Runs one attempt of a program.</summary>
internal sealed partial class ProgramExecution
{
    /// <summary>Largest linear memory a run may have (the 32-bit address space).</summary>
    public const long MaxMemoryBytes = 65536L * Memory.PageSize;

    private readonly object _gate = new();
    private readonly SandboxEngine _engine;
    private readonly CompiledModule _module;
    private readonly ProgramInfo _program;
    private readonly StateView _state;
    private readonly IReadOnlyDictionary<string, byte[]> _blobs;
    private readonly ProgramRunRequest _request;
    private readonly ProgramOptions _options;
    private readonly int _attempt;
    private readonly long _deadline;
    private OnvmRunState? _run;
    private WasiContext? _wasi;
    private bool _interrupted;

    public ProgramExecution(
        SandboxEngine engine,
        CompiledModule module,
        ProgramInfo program,
        StateView state,
        IReadOnlyDictionary<string, byte[]> blobs,
        ProgramRunRequest request,
        ProgramOptions options,
        int attempt,
        long deadline = long.MaxValue)
    {
        _engine = engine;
        _module = module;
        _program = program;
        _state = state;
        _blobs = blobs;
        _request = request;
        _options = options;
        _attempt = attempt;
        _deadline = deadline;
    }

    /// <summary>Stops the attempt within one epoch tick (the run then reports <see cref="Result.Interrupted"/>).</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            _interrupted = true;
            _run?.Interrupt();
            _wasi?.Interrupt();
        }
    }

    /// <summary>Runs the attempt on the host of the module's ABI.</summary>
    public Result Run() => _module.Abi == ProgramAbi.Wasi ? RunWasi() : RunOnvm();

    private bool IsInterrupted()
    {
        lock (_gate)
        {
            return _interrupted;
        }
    }

    /// <summary>The memory limit of the attempt: the request's, in whole pages, at most the silo's maximum (the size of a
    /// pooled memory slot) and the 32-bit address space.</summary>
    private long LimitBytes() =>
        Math.Clamp(_request.MaxMemoryBytes / Memory.PageSize, 1, Math.Min(MaxMemoryBytes, _options.MaxMemoryBytes) / Memory.PageSize) * Memory.PageSize;

    /// <summary>Why the module cannot start under <paramref name="limitBytes"/>, or null when its memory fits.</summary>
    private string? InitialMemoryTooLarge(long limitBytes) =>
        _module.MemoryMinimumPages is { } minimum && minimum * Memory.PageSize > limitBytes
            ? $"cannot instantiate under the limits: the module's memory starts at {minimum * Memory.PageSize} bytes, above the memory limit of {limitBytes} bytes"
            : null;

    /// <summary>Sets the store's fuel, limits and epoch deadline, the same for every ABI.</summary>
    private void Limit(Store store, ulong budget, long limitBytes, Store.EpochDeadlineCallback onEpochDeadline)
    {
        store.Fuel = budget;
        store.SetLimits(
            memorySize: limitBytes,
            tableElements: (uint)_options.MaxTableElements,
            instances: 1,
            tables: _options.MaxTables,
            memories: 1);
        store.SetEpochDeadline(1);
        store.SetEpochDeadlineCallback(_deadline == long.MaxValue ? onEpochDeadline : s =>
        {
            // The run's own clock, read on its own thread at every tick: a timeout needs no pool timer to fire, so
            // a thread pool starved by other work cannot let a program run past it.
            if (Stopwatch.GetTimestamp() >= _deadline)
            {
                Interrupt();
            }

            return onEpochDeadline(s);
        });
    }

    private Result RunOnvm()
    {
        var run = new OnvmRunState(_state, _blobs, _program.Manifest.Capabilities, _options, _attempt);
        lock (_gate)
        {
            _run = run;
            if (_interrupted)
            {
                return new Result { Interrupted = true };
            }
        }

        var limitBytes = LimitBytes();
        if (InitialMemoryTooLarge(limitBytes) is { } tooLarge)
        {
            return new Result { Outcome = ProgramRunOutcome.OutOfMemory, Error = tooLarge, Logs = run.Logs };
        }

        if (_engine.LinkerFor(_module.Abi) is not { } linker)
        {
            return new Result
            {
                Outcome = ProgramRunOutcome.InvalidProgram,
                Error = $"the module is a {_module.Abi} program and this silo has no host for that ABI",
                Logs = run.Logs,
            };
        }

        using var slot = _engine.EnterRun(IsInterrupted);
        if (slot is null)
        {
            return new Result { Interrupted = true, Logs = run.Logs };
        }

        var budget = (ulong)_request.MaxFuel;
        using var store = new Store(_engine.Engine, run);
        Limit(store, budget, limitBytes, OnvmRunState.OnEpochDeadline);

        Memory? memory = null;
        var instantiated = false;
        try
        {
            var instance = linker.Instantiate(store, _module.Module);
            instantiated = true;
            memory = instance.GetMemory("memory");
            if (memory is null)
            {
                return Fail(ProgramRunOutcome.InvalidProgram, run, store, budget, "the module exports no memory named 'memory'");
            }

            run.Memory = memory;
            var input = _request.Input.Span;
            var reserve = _program.EntrypointShape == EntrypointShape.StructReturn ? 8L : 0L;
            var pages = (input.Length + reserve + Memory.PageSize - 1) / Memory.PageSize;
            var inPtr = memory.GetLength();
            if (pages > 0)
            {
                if (memory.GetLength() + (pages * Memory.PageSize) > limitBytes)
                {
                    return Fail(ProgramRunOutcome.OutOfMemory, run, store, budget,
                        $"the input ({input.Length} bytes) does not fit under the memory limit of {limitBytes} bytes");
                }

                try
                {
                    inPtr = memory.Grow(pages) * Memory.PageSize;
                }
                catch (WasmtimeException)
                {
                    // The module declares a maximum below what the input needs (the limit was checked above).
                    return Fail(ProgramRunOutcome.OutOfMemory, run, store, budget,
                        $"the input ({input.Length} bytes) does not fit under the module's declared maximum memory");
                }

                input.CopyTo(memory.GetSpan(inPtr, input.Length));
            }

            var (outPtr, outLength) = Call(instance, memory, (int)inPtr, input.Length);
            if (outPtr + outLength > memory.GetLength())
            {
                return Fail(ProgramRunOutcome.Trapped, run, store, budget,
                    $"the entrypoint returned the output range [{outPtr}, {outPtr + outLength}), outside linear memory ({memory.GetLength()} bytes)");
            }

            if (outLength > _options.MaxOutputBytes)
            {
                return Fail(ProgramRunOutcome.Trapped, run, store, budget,
                    $"the output of {outLength} bytes exceeds the limit of {_options.MaxOutputBytes} bytes");
            }

            return new Result
            {
                Outcome = ProgramRunOutcome.Succeeded,
                Output = memory.GetSpan(outPtr, (int)outLength).ToArray(),
                FuelConsumed = Consumed(store, budget),
                Logs = run.Logs,
                Writes = run.Writes(),
                Reads = run.Reads(),
            };
        }
        catch (WasmtimeException e)
        {
            return Map(e, run, store, budget, memory, limitBytes, instantiated);
        }
    }

    /// <summary>Calls the entrypoint in its shape and returns the output range.</summary>
    private (long Pointer, long Length) Call(Instance instance, Memory memory, int inPtr, int inLength)
    {
        // The untyped call: the binding's typed delegates (GetFunction<int, int, (int, int)>) build their result
        // factory by reflection on every lookup, a few microseconds per run. The shape, and so the signature, was
        // checked at deploy.
        var name = _program.Manifest.Entrypoint;
        var entry = instance.GetFunction(name) ?? throw Missing(name);
        switch (_program.EntrypointShape)
        {
            case EntrypointShape.MultiValue:
                {
                    var results = entry.Invoke([inPtr, inLength]) as object[] ?? throw Missing(name);
                    return ((uint)(int)results[0], (uint)(int)results[1]);
                }

            case EntrypointShape.Packed:
                {
                    var packed = (ulong)(long)(entry.Invoke([inPtr, inLength]) ?? throw Missing(name));
                    return ((long)(packed >> 32), (long)(packed & 0xFFFF_FFFF));
                }

            default:
                {
                    var sret = inPtr + inLength;
                    entry.Invoke([sret, inPtr, inLength]);
                    return ((uint)memory.ReadInt32(sret), (uint)memory.ReadInt32(sret + 4L));
                }
        }
    }

    private static WasmtimeException Missing(string name) =>
        new($"the module exports no function '{name}' of the deployed entrypoint shape");

    private Result Map(WasmtimeException e, OnvmRunState run, Store store, ulong budget, Memory? memory, long limitBytes, bool instantiated)
    {
        if (e.InnerException is SandboxInterruptedException || (run.Interrupted && e is TrapException { Type: TrapCode.Interrupt }))
        {
            return new Result { Interrupted = true, FuelConsumed = Consumed(store, budget), Logs = run.Logs };
        }

        if (e.InnerException is HostTrapException host)
        {
            if (host.Outcome == ProgramRunOutcome.OutOfFuel)
            {
                return Fail(ProgramRunOutcome.OutOfFuel, run, store, budget, OutOfFuelText());
            }

            return run.HostFailure is { } failure
                ? Fail(ProgramRunOutcome.Trapped, run, store, budget, $"host error: {failure.GetType().Name}: {failure.Message}", failure)
                : Fail(ProgramRunOutcome.Trapped, run, store, budget, $"trap (host): {host.Message}");
        }

        if (e is not TrapException trap)
        {
            return instantiated
                ? Fail(ProgramRunOutcome.Trapped, run, store, budget, $"trap: {Cause(e)}")
                : Fail(ProgramRunOutcome.InvalidProgram, run, store, budget, $"cannot instantiate: {Cause(e)}");
        }

        var (outcome, error) = TrapEnding(trap, memory, limitBytes);
        return Fail(outcome, run, store, budget, error);
    }

    /// <summary>How a Wasmtime trap from wasm code ends the run, for every ABI.</summary>
    private (ProgramRunOutcome Outcome, string Error) TrapEnding(TrapException trap, Memory? memory, long limitBytes) => trap.Type switch
    {
        TrapCode.OutOfFuel => (ProgramRunOutcome.OutOfFuel, OutOfFuelText()),
        TrapCode.StackOverflow => (ProgramRunOutcome.StackOverflow,
            $"trap (StackOverflow): {Cause(trap)}; the wasm stack is limited to {_engine.MaxStackBytes} bytes"),
        _ when memory is not null && memory.GetLength() * 4 >= limitBytes * 3 => (ProgramRunOutcome.OutOfMemory,
            $"memory limit of {limitBytes} bytes reached ({memory.GetLength()} bytes in use), then the program trapped ({trap.Type}): {Cause(trap)}"),
        _ => (ProgramRunOutcome.Trapped, $"trap ({trap.Type}): {Cause(trap)}"),
    };

    private string OutOfFuelText() => $"out of fuel: the budget of {_request.MaxFuel} is used up";

    /// <summary>The "Caused by" line of a Wasmtime error (its message without the backtrace).</summary>
    internal static string Cause(Exception e)
    {
        var message = e.Message;
        var at = message.LastIndexOf("Caused by:", StringComparison.Ordinal);
        var cause = at < 0 ? message : message[(at + "Caused by:".Length)..];
        cause = cause.Trim();
        var newline = cause.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? cause : cause[..newline].TrimEnd();
    }

    private static long Consumed(Store store, ulong budget)
    {
        var left = store.Fuel;
        return (long)(left >= budget ? 0 : budget - left);
    }

    private static Result Fail(
        ProgramRunOutcome outcome, OnvmRunState run, Store store, ulong budget, string error, Exception? hostFailure = null) => new()
        {
            Outcome = outcome,
            Error = error,
            FuelConsumed = Consumed(store, budget),
            Logs = run.Logs,
            HostFailure = hostFailure,
        };

    /// <summary>What the attempt did.</summary>
    internal sealed class Result
    {
        public ProgramRunOutcome Outcome { get; init; }

        /// <summary>Stopped by <see cref="Interrupt"/> (timeout or cancellation: the runner knows which).</summary>
        public bool Interrupted { get; init; }

        public byte[] Output { get; init; } = [];

        public long FuelConsumed { get; init; }

        public string? Error { get; init; }

        public List<JobLogEntry> Logs { get; init; } = [];

        public List<StateWrite> Writes { get; init; } = [];

        /// <summary>What the run read of the committed state (null when it failed).</summary>
        public StateReadSet? Reads { get; init; }

        public Exception? HostFailure { get; init; }
    }
}
