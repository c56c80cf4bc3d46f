// Design note: one attempt, run synchronously on a pool thread: a fresh store with the fuel budget and memory
// limit, instantiation through the shared linker, the input copied into fresh pages grown at the end of memory (never
// at offset 0 unless the module declares no memory of its own pages: Rust's shadow stack grows down toward 0 below
// 1 MiB, so a large input there would collide with it), the entrypoint called in its shape, and the output range
// checked before it is copied. Every engine failure becomes an outcome; nothing but a bug escapes. Interrupt() may
// be called from any thread at any time, also before the store exists.
//
// The engine does not report a refused memory.grow (it just returns -1 to the program), so a trap with the memory at
// 75 % of the limit or more is reported as OutOfMemory: programs abort right after an allocation fails, and their
// last grow request was at least a quarter of the limit away only when it was huge.

using Marketplace.GrainInterfaces;
using Marketplace.Grains.Programs;
using Marketplace.Wasm;

namespace Marketplace.Grains.Execution;

/// <summary>Runs one attempt of a program.</summary>
internal sealed class ProgramExecution
{
    private readonly object _gate = new();
    private readonly Module _module;
    private readonly Linker _linker;
    private readonly ProgramInfo _program;
    private readonly StateView _state;
    private readonly IReadOnlyDictionary<string, byte[]> _blobs;
    private readonly ProgramRunRequest _request;
    private readonly ProgramOptions _options;
    private readonly int _attempt;
    private Store? _store;
    private bool _interrupted;

    public ProgramExecution(
        Module module,
        Linker linker,
        ProgramInfo program,
        StateView state,
        IReadOnlyDictionary<string, byte[]> blobs,
        ProgramRunRequest request,
        ProgramOptions options,
        int attempt)
    {
        _module = module;
        _linker = linker;
        _program = program;
        _state = state;
        _blobs = blobs;
        _request = request;
        _options = options;
        _attempt = attempt;
    }

    /// <summary>Stops the attempt as soon as the engine can (the run then reports <see cref="Result.Interrupted"/>).</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            _interrupted = true;
            if (_store is not null)
            {
                _store.Interrupt();
            }
        }
    }

    /// <summary>Runs the attempt.</summary>
    public Result Run()
    {
        var store = new Store(_module.Engine);
        store.SetFuel((ulong)_request.MaxFuel);
        var limitPages = (uint)Math.Clamp(_request.MaxMemoryBytes / Memory.PageSize, 1, 32767);
        store.SetLimits(memoryPages: limitPages);
        var limitBytes = (long)store.MaxMemoryPages * Memory.PageSize;
        lock (_gate)
        {
            _store = store;
            if (_interrupted)
            {
                return new Result { Interrupted = true };
            }
        }

        var run = new OnvmRunState(store, _state, _blobs, _program.Manifest.Capabilities, _options, _attempt);
        using var scope = run.Enter();
        Memory? memory = null;
        try
        {
            var instance = _linker.Instantiate(store, _module);
            memory = instance.GetMemory("memory")
                ?? throw new WasmLinkException("the module exports no memory named 'memory'");
            run.Memory = memory;
            var entry = instance.GetFunction(_program.Manifest.Entrypoint)
                ?? throw new WasmLinkException($"the module exports no function '{_program.Manifest.Entrypoint}'");

            var input = _request.Input.Span;
            var reserve = _program.EntrypointShape == EntrypointShape.StructReturn ? 8L : 0L;
            var pages = (uint)((input.Length + reserve + Memory.PageSize - 1) / Memory.PageSize);
            long inPtr = memory.ByteLength;
            if (pages > 0)
            {
                var old = memory.Grow(pages);
                if (old < 0)
                {
                    return Fail(ProgramRunOutcome.OutOfMemory, run, store,
                        $"the input ({input.Length} bytes) does not fit under the memory limit of {limitBytes} bytes");
                }

                inPtr = (long)old * Memory.PageSize;
                input.CopyTo(memory.GetSpan(inPtr, input.Length));
            }

            long outPtr, outLength;
            switch (_program.EntrypointShape)
            {
                case EntrypointShape.MultiValue:
                    {
                        var r = entry.Invoke(WasmValue.FromInt32((int)inPtr), WasmValue.FromInt32(input.Length));
                        outPtr = (uint)r[0].AsInt32();
                        outLength = (uint)r[1].AsInt32();
                        break;
                    }

                case EntrypointShape.Packed:
                    {
                        var packed = (ulong)entry.Invoke(WasmValue.FromInt32((int)inPtr), WasmValue.FromInt32(input.Length))[0].AsInt64();
                        outPtr = (long)(packed >> 32);
                        outLength = (long)(packed & 0xFFFF_FFFF);
                        break;
                    }

                default:
                    {
                        var sret = inPtr + input.Length;
                        entry.Invoke(WasmValue.FromInt32((int)sret), WasmValue.FromInt32((int)inPtr), WasmValue.FromInt32(input.Length));
                        outPtr = (uint)memory.ReadInt32(sret);
                        outLength = (uint)memory.ReadInt32(sret + 4);
                        break;
                    }
            }

            if (outPtr + outLength > memory.ByteLength)
            {
                return Fail(ProgramRunOutcome.Trapped, run, store,
                    $"the entrypoint returned the output range [{outPtr}, {outPtr + outLength}), outside linear memory ({memory.ByteLength} bytes)");
            }

            if (outLength > _options.MaxOutputBytes)
            {
                return Fail(ProgramRunOutcome.Trapped, run, store,
                    $"the output of {outLength} bytes exceeds the limit of {_options.MaxOutputBytes} bytes");
            }

            return new Result
            {
                Outcome = ProgramRunOutcome.Succeeded,
                Output = memory.GetSpan(outPtr, (int)outLength).ToArray(),
                FuelConsumed = (long)store.FuelConsumed,
                Logs = run.Logs,
                Writes = run.Writes(),
            };
        }
        catch (WasmTrap trap)
        {
            if (trap.Code == TrapCode.Interrupted)
            {
                return new Result { Interrupted = true, FuelConsumed = (long)store.FuelConsumed, Logs = run.Logs };
            }

            if (run.HostFailure is { } failure)
            {
                return Fail(ProgramRunOutcome.Trapped, run, store, $"host error: {failure.GetType().Name}: {failure.Message}", failure);
            }

            return trap.Code switch
            {
                TrapCode.OutOfFuel => Fail(ProgramRunOutcome.OutOfFuel, run, store,
                    $"out of fuel: the budget of {_request.MaxFuel} is used up"),
                TrapCode.MemoryLimitExceeded => Fail(ProgramRunOutcome.OutOfMemory, run, store,
                    $"memory limit of {limitBytes} bytes exceeded: {trap.Message}"),
                _ when memory is not null && memory.ByteLength * 4 >= limitBytes * 3 => Fail(
                    ProgramRunOutcome.OutOfMemory, run, store,
                    $"memory limit of {limitBytes} bytes reached ({memory.ByteLength} bytes in use), then the program trapped: {trap.Message}"),
                _ => Fail(ProgramRunOutcome.Trapped, run, store, $"trap: {trap.Message}"),
            };
        }
        catch (WasmLinkException e) when (e.Message.Contains("exceeds the limit", StringComparison.Ordinal))
        {
            return Fail(ProgramRunOutcome.OutOfMemory, run, store, $"cannot instantiate under the limits: {e.Message}");
        }
        catch (WasmException e)
        {
            return Fail(ProgramRunOutcome.InvalidProgram, run, store, $"cannot instantiate: {e.Message}");
        }
    }

    private static Result Fail(ProgramRunOutcome outcome, OnvmRunState run, Store store, string error, Exception? hostFailure = null) => new()
    {
        Outcome = outcome,
        Error = error,
        FuelConsumed = (long)store.FuelConsumed,
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

        public Exception? HostFailure { get; init; }
    }
}
