// Design note: one WasiRunner per engine holds one linker with the WASI functions defined once; Run is thread-safe
// (each run has its own store and WasiContext; the linker is only read). A run: check the module against the
// catalog (so a bad module is InvalidProgram, never a link error), create the store with the context as its data,
// fuel, the memory limit and the optional epoch deadline, instantiate, call _start, and map how it ended. The
// context is consulted first: when a host function ended the run (proc_exit, stdout cap, host-call fuel) the trap
// Wasmtime reports is only the unwinding of that decision. Then Wasmtime's trap codes; a trap caused by any other
// .NET exception in a host function is a host defect (HostFailure).

using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>Runs WASI command modules (<c>_start</c>) on a Wasmtime engine with the deterministic preview 1 host.
/// The engine must be built with fuel consumption (<c>new Config().WithFuelConsumption(true)</c>).</summary>
internal sealed class WasiRunner : IDisposable
{
    private readonly Engine _engine;
    private readonly Linker _linker;

    /// <summary>Creates a runner for modules compiled on <paramref name="engine"/> (which the runner does not
    /// own) and defines the WASI functions on its linker.</summary>
    public WasiRunner(Engine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _linker = new Linker(engine);
        WasiPreview1Host.Define(_linker);
    }

    /// <summary>Runs <paramref name="module"/>'s <c>_start</c> once with <paramref name="fuel"/> units of fuel.</summary>
    /// <remarks>Every ending is a result, never an exception: see <see cref="WasiRunOutcome"/>. Equal modules,
    /// options and fuel give equal results (outcome, stdout, stderr, exit code and fuel consumed).</remarks>
    /// <exception cref="ArgumentException">The options are invalid, or fuel is not positive.</exception>
    public WasiRunResult Run(Module module, WasiRunOptions options, long fuel)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentOutOfRangeException.ThrowIfLessThan(fuel, 1);
        var context = new WasiContext(options);
        var problems = WasiPreview1.Check(module);
        if (problems.Count > 0)
        {
            return Result(context, WasiRunOutcome.InvalidProgram, 0, message: string.Join("; ", problems));
        }

        using var store = new Store(_engine, context);
        store.Fuel = (ulong)fuel;
        store.SetLimits(memorySize: options.MemoryLimitBytes);
        if (options.EpochDeadlineTicks is { } ticks)
        {
            store.SetEpochDeadline(ticks);
        }

        var started = false;
        try
        {
            var instance = _linker.Instantiate(store, module);
            var start = instance.GetAction(WasiPreview1.StartExport)
                ?? throw new InvalidOperationException("_start vanished after the check");
            started = true;
            start();
        }
        catch (WasmtimeException e)
        {
            return Ended(context, e, started, module, fuel - (long)store.Fuel);
        }

        return Result(context, WasiRunOutcome.Succeeded, fuel - (long)store.Fuel, exitCode: 0);
    }

    /// <summary>Releases the linker.</summary>
    public void Dispose() => _linker.Dispose();

    private static WasiRunResult Ended(WasiContext context, WasmtimeException e, bool started, Module module, long fuelConsumed)
    {
        if (context.ExitCode is { } code)
        {
            return code == 0
                ? Result(context, WasiRunOutcome.Succeeded, fuelConsumed, exitCode: 0)
                : Result(context, WasiRunOutcome.ExitedWithError, fuelConsumed, exitCode: code, message: $"the program exited with code {code}");
        }

        if (context.Failure is { } failure)
        {
            return Result(context, failure, fuelConsumed, message: context.FailureMessage);
        }

        if (e is TrapException trap)
        {
            var outcome = trap.Type switch
            {
                TrapCode.OutOfFuel => WasiRunOutcome.OutOfFuel,
                TrapCode.Interrupt => WasiRunOutcome.Interrupted,
                _ => WasiRunOutcome.Trapped,
            };
            return Result(context, outcome, fuelConsumed, trap.Type == TrapCode.Undefined ? null : trap.Type, Describe(e));
        }

        // A .NET exception thrown in a host function reaches here as a WasmtimeException carrying it.
        if (e.InnerException is not null)
        {
            return Result(context, WasiRunOutcome.HostFailure, fuelConsumed, message: $"host function failed: {e.InnerException}");
        }

        if (!started)
        {
            var declared = DeclaredMemoryBytes(module);
            return declared > context.Options.MemoryLimitBytes
                ? Result(context, WasiRunOutcome.MemoryLimit, fuelConsumed,
                    message: $"the module's initial memory of {declared} bytes is over the limit of {context.Options.MemoryLimitBytes} bytes")
                : Result(context, WasiRunOutcome.InvalidProgram, fuelConsumed, message: $"the module could not be instantiated: {e.Message}");
        }

        return Result(context, WasiRunOutcome.Trapped, fuelConsumed, message: Describe(e));
    }

    private static long DeclaredMemoryBytes(Module module)
    {
        foreach (var export in module.Exports)
        {
            if (export is MemoryExport memory && export.Name == WasiPreview1.MemoryExport)
            {
                return memory.Minimum * Memory.PageSize;
            }
        }

        return 0;
    }

    private static string Describe(WasmtimeException e)
    {
        var frame = e.Frames is { Count: > 0 } frames ? frames[0] : null;
        return frame is null
            ? e.Message
            : $"{e.Message} (in {frame.FunctionName ?? "function"} at module offset 0x{frame.ModuleOffset:x})";
    }

    private static WasiRunResult Result(
        WasiContext context, WasiRunOutcome outcome, long fuelConsumed, TrapCode? trapCode = null, string? message = null, int? exitCode = null) =>
        new()
        {
            Outcome = outcome,
            ExitCode = exitCode,
            Stdout = context.Stdout.ToArray(),
            StderrLines = context.StderrLines(),
            FuelConsumed = fuelConsumed,
            TrapCode = trapCode,
            Message = message,
        };
}
