// Design note: a replay runs the receipt's program once more on an engine built exactly as a silo's (the default
// ProgramOptions: the same fuel metering, NaN canonicalization, stack, pooling slots and so the same configuration
// digest) and compares every field a run determines. It takes the module and input as bytes and checks them against
// the receipt's hashes before compiling anything, so a wrong file is a refusal, not a long list of differences. The
// run goes through the same ProgramExecution a worker uses (ONVM or WASI host, fuel, limits), on a sandbox thread,
// with the program state the request gives (its root checked against the receipt's state_root_in first), or an empty
// one: a run that read a non-empty state and comes without it is compared only on the fields that do not depend on
// running it. Nothing here needs a silo.
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;
using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>
/// Re-runs the job a receipt describes on the local machine, on the engine configuration workers use, and compares
/// the result with the receipt field by field (see grains/Execution/README.md, "Replaying a receipt"). One instance
/// holds one engine; reuse it for several replays and dispose it at the end.
/// </summary>
public sealed class ReceiptReplay : IDisposable
{
    private readonly ProgramOptions _options;
    private readonly SandboxEngine _engine;
    private readonly ProgramModuleCache _modules;
    private readonly SandboxThreads _threads;

    /// <summary>Builds the replay engine with the settings a silo uses by default.</summary>
    public ReceiptReplay()
        : this(new ProgramOptions())
    {
    }

    internal ReceiptReplay(ProgramOptions options)
    {
        _options = options;
        _engine = new SandboxEngine(options);
        _modules = new ProgramModuleCache(_engine, Options.Create(options));
        _threads = new SandboxThreads(idleTimeout: TimeSpan.FromSeconds(5));
    }

    /// <summary>The Wasmtime version of the replay engine.</summary>
    public static string EngineVersion => SandboxEngine.WasmtimeVersion;

    /// <summary>The replay engine's configuration digest (64 hex): a receipt made by a silo on its default settings
    /// names the same digest.</summary>
    public string EngineConfigDigest => _engine.ConfigurationDigest;

    /// <summary>The root of an empty program state (64 hex): the <c>state_root_in</c> of a run that read no state.</summary>
    public static string EmptyStateRoot => StateView.Empty.Root;

    /// <summary>Replays <paramref name="receipt"/> with <paramref name="request"/>'s module and input and compares.
    /// Throws <see cref="ReceiptReplayException"/> when the module or input is not the one the receipt names, or the
    /// module cannot be run; <see cref="ReceiptFormatException"/> for a receipt without canonical fields.</summary>
    public async Task<ReceiptReplayReport> ReplayAsync(ExecutionReceipt receipt, ReceiptReplayRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(request);
        ReceiptCodec.Validate(receipt);
        var wasmHash = SHA256.HashData(request.Wasm);
        if (!wasmHash.AsSpan().SequenceEqual(receipt.WasmHash))
        {
            throw new ReceiptReplayException(ReceiptReplayRefusal.WasmHashMismatch,
                $"the program's module hashes to {Hex(wasmHash)}, the receipt names wasm_hash {Hex(receipt.WasmHash)}");
        }

        var inputHash = SHA256.HashData(request.Input.Span);
        if (!inputHash.AsSpan().SequenceEqual(receipt.InputHash))
        {
            throw new ReceiptReplayException(ReceiptReplayRefusal.InputHashMismatch,
                $"the input hashes to {Hex(inputHash)}, the receipt names input_hash {Hex(receipt.InputHash)}");
        }

        CompiledModule module;
        try
        {
            module = _modules.Get(request.Wasm, wasmHash);
        }
        catch (WasmtimeException e)
        {
            throw new ReceiptReplayException(ReceiptReplayRefusal.InvalidProgram, $"the module does not compile: {ProgramExecution.Cause(e)}");
        }
        catch (ModuleCompileTimeoutException e)
        {
            throw new ReceiptReplayException(ReceiptReplayRefusal.InvalidProgram, $"the module does not compile: {e.Message}");
        }

        var program = ProgramOf(receipt, request, module);
        var abi = module.Abi == ProgramAbi.Wasi ? ReceiptAbi.Wasi : ReceiptAbi.Onvm;
        var invocation = abi == ReceiptAbi.Wasi
            ? ReceiptInvocation.Hash(request.Arguments, request.Environment, request.ClockStart)
            : ReceiptInvocation.None;
        var fields = new List<ReplayField>(12);
        var view = StateView.Empty;
        if (module.UsesState && request.State is { } given)
        {
            view = StateView.FromSnapshot(given);
            if (!string.Equals(view.Root, Hex(receipt.StateRootIn), StringComparison.Ordinal))
            {
                throw new ReceiptReplayException(ReceiptReplayRefusal.StateRootMismatch,
                    $"the state given has root {view.Root}, not the receipt's state_root_in {Hex(receipt.StateRootIn)}");
            }
        }

        var statefulRun = module.UsesState && !string.Equals(Hex(receipt.StateRootIn), view.Root, StringComparison.Ordinal);
        ProgramExecution.Result? result = null;
        var stateRootIn = view.Root;
        string stateRootOut = stateRootIn;
        if (!statefulRun)
        {
            result = await RunAsync(module, program, receipt, request, view, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == ProgramRunOutcome.Succeeded && result.Writes.Count > 0)
            {
                stateRootOut = view.Apply(result.Writes, view.Version + 1).Root;
            }
        }

        var outcome = result is null ? null : OutcomeOf(result.Outcome);
        var completed = outcome == ReceiptOutcome.Completed;
        fields.Add(Compare("outcome", Name(receipt.Outcome), result is null ? null : outcome is { } o ? Name(o) : $"not receipted ({result.Outcome}: {result.Error})"));
        fields.Add(Compare("wasm_hash", Hex(receipt.WasmHash), Hex(wasmHash)));
        fields.Add(Compare("abi", receipt.Abi == ReceiptAbi.Wasi ? "wasi" : "onvm", abi == ReceiptAbi.Wasi ? "wasi" : "onvm"));
        fields.Add(Compare("input_hash", Hex(receipt.InputHash), Hex(inputHash)));
        fields.Add(Compare("invocation_hash", Hex(receipt.InvocationHash), Hex(invocation)));
        fields.Add(Compare("state_root_in", Hex(receipt.StateRootIn), statefulRun ? null : stateRootIn));
        fields.Add(Compare("output_hash", Hex(receipt.OutputHash), result is null ? null : Hex(SHA256.HashData(completed ? result.Output : []))));
        fields.Add(Compare("fuel_consumed", receipt.FuelConsumed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            result?.FuelConsumed.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        fields.Add(Compare("state_root_out", Hex(receipt.StateRootOut), result is null ? null : completed ? stateRootOut : stateRootIn));
        fields.Add(Compare("engine_name", receipt.EngineName, ExecutionReceipt.Wasmtime));
        fields.Add(Compare("engine_version", receipt.EngineVersion, SandboxEngine.WasmtimeVersion));
        fields.Add(Compare("engine_config_digest", Hex(receipt.EngineConfigDigest), _engine.ConfigurationDigest));
        return new ReceiptReplayReport
        {
            Fields = fields,
            StatefulNotSupported = statefulRun,
            Output = completed ? result!.Output : ReadOnlyMemory<byte>.Empty,
            Error = result?.Error,
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _threads.Dispose();
        _engine.Dispose();
    }

    private async Task<ProgramExecution.Result> RunAsync(
        CompiledModule module, ProgramInfo program, ExecutionReceipt receipt, ReceiptReplayRequest request, StateView state, CancellationToken cancellationToken)
    {
        var maxFuel = request.MaxFuel ?? (receipt.Outcome == ReceiptOutcome.OutOfFuel ? receipt.FuelConsumed : JobLimits.MaxFuel);
        if (maxFuel <= 0)
        {
            throw new ReceiptReplayException(ReceiptReplayRefusal.InvalidProgram, $"the fuel budget must be positive, got {maxFuel}");
        }

        var run = new ProgramRunRequest
        {
            ProgramId = receipt.ProgramId,
            Input = request.Input,
            MaxFuel = maxFuel,
            MaxMemoryBytes = request.MaxMemoryBytes ?? program.Manifest.MaxMemoryBytes,
            Timeout = request.Timeout,
            JobId = receipt.JobId,
            Arguments = request.Arguments,
            Environment = request.Environment,
            StartTime = request.ClockStart,
        };
        var execution = new ProgramExecution(_engine, module, program, state, new Dictionary<string, byte[]>(0), run, _options, receipt.Attempt);

        // Nothing in a replay ticks the engine's epoch but this ticker; it lets the timeout and the caller's token stop
        // the guest within a tick, as a silo's ticker does. Its disposal joins its thread, so no tick reaches the
        // engine after the run (a pool timer's disposal does not wait for a callback already queued, which then finds
        // the engine disposed along with this replay).
        using var ticker = new EpochTicker(_engine, TimeSpan.FromMilliseconds(_options.EpochTickMs));
        ticker.Start();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(request.Timeout);
        using var registration = timeout.Token.Register(execution.Interrupt);
        var result = await _threads.RunAsync(execution.Run).ConfigureAwait(false);
        if (result.Interrupted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"the replay did not end within {request.Timeout.TotalSeconds:0.#} s");
        }

        return result;
    }

    private static ProgramInfo ProgramOf(ExecutionReceipt receipt, ReceiptReplayRequest request, CompiledModule module)
    {
        if (request.Program is { } given)
        {
            return given;
        }

        var entrypoint = string.IsNullOrEmpty(request.Entrypoint) ? "onvm_main" : request.Entrypoint;
        var shape = EntrypointShape.MultiValue;
        if (module.Abi == ProgramAbi.Onvm)
        {
            EntrypointShape? found = null;
            foreach (var export in module.Module.Exports)
            {
                if (export is FunctionExport function && export.Name == entrypoint)
                {
                    found = EntrypointShapes.Of(new WasmSignature(function.Parameters, function.Results));
                }
            }

            shape = found ?? throw new ReceiptReplayException(ReceiptReplayRefusal.InvalidProgram,
                $"the module exports no function '{entrypoint}' of an ONVM entrypoint shape (name the entrypoint)");
        }

        return new ProgramInfo
        {
            Id = receipt.ProgramId,
            Manifest = new ProgramManifest
            {
                Name = string.IsNullOrEmpty(request.ProgramName) ? receipt.ProgramId : request.ProgramName,
                Entrypoint = entrypoint,
                Capabilities = [.. request.Capabilities],
            },
            EntrypointShape = shape,
            Abi = module.Abi == ProgramAbi.Wasi ? ProgramAbiNames.Wasi : ProgramAbiNames.Onvm,
        };
    }

    private static ReceiptOutcome? OutcomeOf(ProgramRunOutcome outcome) => outcome switch
    {
        ProgramRunOutcome.Succeeded => ReceiptOutcome.Completed,
        ProgramRunOutcome.OutOfFuel => ReceiptOutcome.OutOfFuel,
        ProgramRunOutcome.Trapped => ReceiptOutcome.Trapped,
        ProgramRunOutcome.Exited => ReceiptOutcome.Exited,
        _ => null,
    };

    private static string Name(ReceiptOutcome outcome) => outcome switch
    {
        ReceiptOutcome.Completed => "completed",
        ReceiptOutcome.OutOfFuel => "out_of_fuel",
        ReceiptOutcome.Trapped => "trapped",
        _ => "exited",
    };

    private static ReplayField Compare(string name, string receipt, string? replayed) => new(
        name,
        receipt,
        replayed,
        replayed is null ? ReplayFieldStatus.NotReplayed
            : string.Equals(receipt, replayed, StringComparison.Ordinal) ? ReplayFieldStatus.Match : ReplayFieldStatus.Differs);

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
