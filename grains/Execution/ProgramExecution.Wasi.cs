// Design note: a WASI preview 1 attempt. The store's data is a WasiContext built from the job (input = stdin, the
// job's arguments and environment, its creation time as the logical start, its id as the random seed), with the same
// fuel budget, SetLimits, one-tick epoch deadline and interrupt flag as an ONVM attempt; the only host is the shared
// WASI linker of the engine. `_start` is called with no arguments. How the run ended is read from the context first
// (proc_exit, the stdout cap, fuel for a host call's bytes), because the trap Wasmtime then reports is only the
// unwinding of that decision; then the interrupt; then a host defect; then Wasmtime's trap code, mapped as for ONVM.
// stdout is the output only on exit 0; stderr lines become the run's log. A WASI program has no program state: it
// never writes, so the runner reports the state root unchanged.

using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution.Wasi;
using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>The WASI preview 1 side of <see cref="ProgramExecution"/>.</summary>
internal sealed partial class ProgramExecution
{
    private Result RunWasi()
    {
        WasiContext context;
        try
        {
            context = new WasiContext(WasiOptions());
        }
        catch (ArgumentException e)
        {
            // The job validator refuses such arguments and environments before a run is ever assigned.
            return new Result { Outcome = ProgramRunOutcome.Trapped, Error = $"the run's WASI options are invalid: {e.Message}" };
        }

        lock (_gate)
        {
            _wasi = context;
            if (_interrupted)
            {
                return new Result { Interrupted = true };
            }
        }

        var limitBytes = LimitBytes();
        if (InitialMemoryTooLarge(limitBytes) is { } tooLarge)
        {
            return new Result { Outcome = ProgramRunOutcome.OutOfMemory, Error = tooLarge };
        }

        using var slot = _engine.EnterRun(IsInterrupted);
        if (slot is null)
        {
            return new Result { Interrupted = true };
        }

        var budget = (ulong)_request.MaxFuel;
        using var store = new Store(_engine.Engine, context);
        Limit(store, budget, limitBytes, WasiContext.OnEpochDeadline);

        Memory? memory = null;
        var instantiated = false;
        try
        {
            var instance = _engine.WasiLinker.Instantiate(store, _module.Module);
            instantiated = true;
            memory = instance.GetMemory(WasiPreview1.MemoryExport);
            if (instance.GetAction(WasiPreview1.StartExport) is not { } start)
            {
                return Fail(ProgramRunOutcome.InvalidProgram, context, store, budget, "the module exports no function '_start' of type () -> ()");
            }

            start();
        }
        catch (WasmtimeException e)
        {
            return MapWasi(e, context, store, budget, memory, limitBytes, instantiated);
        }

        return Succeeded(context, store, budget);
    }

    /// <summary>What the program observes, from the request (see grains/Execution/README.md).</summary>
    private WasiRunOptions WasiOptions()
    {
        var keys = new string[_request.Environment.Count];
        var at = 0;
        foreach (var key in _request.Environment.Keys)
        {
            keys[at++] = key;
        }

        Array.Sort(keys, StringComparer.Ordinal);
        var environment = new KeyValuePair<string, string>[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            environment[i] = new KeyValuePair<string, string>(keys[i], _request.Environment[keys[i]]);
        }

        return new WasiRunOptions
        {
            JobId = string.IsNullOrEmpty(_request.JobId) ? _program.Id : _request.JobId,
            ProgramName = _program.Manifest.Name,
            Arguments = _request.Arguments,
            Environment = environment,
            Input = _request.Input,
            StartTime = _request.StartTime ?? DateTimeOffset.UnixEpoch,
            StdoutLimitBytes = _options.MaxOutputBytes,
            StderrLimitBytes = _options.MaxLogBytes,
            MemoryLimitBytes = LimitBytes(),
        };
    }

    private Result MapWasi(
        WasmtimeException e, WasiContext context, Store store, ulong budget, Memory? memory, long limitBytes, bool instantiated)
    {
        if (context.ExitCode is { } code)
        {
            return code == 0
                ? Succeeded(context, store, budget)
                : Fail(ProgramRunOutcome.Exited, context, store, budget, $"exit code {code}: the program called proc_exit({code})");
        }

        if (context.Failure is { } failure)
        {
            return failure switch
            {
                WasiRunOutcome.OutOfFuel => Fail(ProgramRunOutcome.OutOfFuel, context, store, budget, OutOfFuelText()),
                WasiRunOutcome.OutputLimitExceeded => Fail(ProgramRunOutcome.OutputLimitExceeded, context, store, budget,
                    $"stdout limit exceeded: {context.FailureMessage}"),
                _ => Fail(ProgramRunOutcome.Trapped, context, store, budget, $"trap (host): {context.FailureMessage}"),
            };
        }

        if (e.InnerException is SandboxInterruptedException || (context.Interrupted && e is TrapException { Type: TrapCode.Interrupt }))
        {
            return new Result { Interrupted = true, FuelConsumed = Consumed(store, budget), Logs = Logs(context) };
        }

        if (e.InnerException is { } host)
        {
            // A host function threw something other than its own abort: a host defect, logged by the runner.
            return Fail(ProgramRunOutcome.Trapped, context, store, budget, $"host error: {host.GetType().Name}: {host.Message}", host);
        }

        if (e is not TrapException trap)
        {
            return instantiated
                ? Fail(ProgramRunOutcome.Trapped, context, store, budget, $"trap: {Cause(e)}")
                : Fail(ProgramRunOutcome.InvalidProgram, context, store, budget, $"cannot instantiate: {Cause(e)}");
        }

        var (outcome, error) = TrapEnding(trap, memory, limitBytes);
        return Fail(outcome, context, store, budget, error);
    }

    private Result Succeeded(WasiContext context, Store store, ulong budget) => new()
    {
        Outcome = ProgramRunOutcome.Succeeded,
        Output = context.Stdout.ToArray(),
        FuelConsumed = Consumed(store, budget),
        Logs = Logs(context),
    };

    private Result Fail(
        ProgramRunOutcome outcome, WasiContext context, Store store, ulong budget, string error, Exception? hostFailure = null) => new()
        {
            Outcome = outcome,
            Error = error,
            FuelConsumed = Consumed(store, budget),
            Logs = Logs(context),
            HostFailure = hostFailure,
        };

    /// <summary>stderr as the run's log: one info line per stderr line (already capped at the log byte limit by the
    /// context), at most <see cref="ProgramOptions.MaxLogLines"/> lines, then one warning saying how many were
    /// dropped.</summary>
    private List<JobLogEntry> Logs(WasiContext context)
    {
        var lines = context.StderrLines();
        var kept = Math.Min(lines.Count, _options.MaxLogLines);
        var logs = new List<JobLogEntry>(kept + 1);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < kept; i++)
        {
            logs.Add(new JobLogEntry { Timestamp = now, Level = "info", Message = lines[i], Attempt = _attempt });
        }

        if (lines.Count > kept)
        {
            logs.Add(new JobLogEntry
            {
                Timestamp = now,
                Level = "warn",
                Message = $"log limit reached ({_options.MaxLogLines} lines per run); {lines.Count - kept} stderr lines dropped",
                Attempt = _attempt,
            });
        }

        return logs;
    }
}
