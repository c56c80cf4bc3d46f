// Design note: one run = load the program (cached: a program id's content never changes), compile (bounded module
// cache), prefetch the manifest's blobs (host functions are synchronous), then attempts: read the state view (cached
// per program, refreshed only when the state grain's version moved), execute on a sandbox thread under fuel, memory
// and a wall-clock token (the token sets the run's interrupt flag; the next epoch tick stops the guest), and on success commit the overlay's writes with the version read. A refused commit means
// another run committed first: re-run on the new state, at most MaxConflictRetries times. The wall-clock limit
// covers the whole run (prefetch and re-runs); the commit itself is never interrupted. A job's run commits through the
// job's fence: when another attempt of the job already committed, this one re-executes on the root that attempt read
// and commits nothing, so the job's state effect is applied once however many attempts ran. Before a job's run commits
// (or returns without writes), its output is held against the client's stored-bytes quota (ProgramRunRequest.HoldOutput):
// an output that does not fit ends the run QuotaExceeded with nothing written, so no effect lands without its output.

using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>Runs programs on the host of their ABI, ONVM or WASI preview 1 (see grains/Programs/README.md and
/// grains/Execution/README.md).</summary>
internal sealed partial class ProgramRunner : IProgramRunner
{
    private readonly IGrainFactory _grains;
    private readonly GrainReferences<IProgramStateGrain> _stateGrains;
    private readonly ProgramModuleCache _modules;
    private readonly SandboxThreads _threads;
    private readonly ProgramOptions _options;
    private readonly ILogger<ProgramRunner> _logger;
    private readonly ConcurrentDictionary<string, (ProgramInfo Info, byte[] Wasm, byte[] Hash)> _programs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StateView> _states = new(StringComparer.Ordinal);

    public ProgramRunner(
        IGrainFactory grains, GrainReferences<IProgramStateGrain> stateGrains, ProgramModuleCache modules, SandboxThreads threads, IOptions<ProgramOptions> options, ILogger<ProgramRunner> logger)
    {
        _grains = grains;
        _stateGrains = stateGrains;
        _modules = modules;
        _threads = threads;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ProgramRunResult> RunAsync(ProgramRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(request.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var stopped = linked.Token;
        string root = "";
        var notes = new List<JobLogEntry>();
        try
        {
            var program = await LoadProgramAsync(request.ProgramId);
            if (program is null)
            {
                return Finish(started, ProgramRunOutcome.MissingProgram, $"program {request.ProgramId} is not deployed");
            }

            var (info, wasm, hash) = program.Value;
            CompiledModule module;
            try
            {
                module = _modules.Get(wasm, hash);
            }
            catch (WasmtimeException e)
            {
                return Finish(started, ProgramRunOutcome.InvalidProgram, $"the module does not compile: {ProgramExecution.Cause(e)}");
            }
            catch (ModuleCompileTimeoutException e)
            {
                return Finish(started, ProgramRunOutcome.InvalidProgram, $"the module does not compile: {e.Message}");
            }

            // Blobs are read through ONVM host functions; a WASI program has no way to ask for them.
            var blobs = module.Abi == ProgramAbi.Onvm
                ? await PrefetchBlobsAsync(info.Manifest.BlobRefs, notes, stopped)
                : new Dictionary<string, byte[]>(0);
            var stateGrain = _stateGrains.Get(info.Id);
            var pinnedRoot = request.StateRoot;
            for (var attempt = 0; ; attempt++)
            {
                StateView view;
                if (!module.UsesState)
                {
                    view = StateView.Empty;
                }
                else if (pinnedRoot is { } pinned)
                {
                    if (await GetStateAtRootAsync(info.Id, stateGrain, pinned) is not { } past)
                    {
                        return Finish(started, ProgramRunOutcome.StateUnavailable, $"the program's state at root {pinned} is no longer kept", logs: notes);
                    }

                    view = past;
                }
                else
                {
                    view = await GetStateAsync(info.Id, stateGrain);
                }

                root = view.Root;
                var provenance = new ProgramRunProvenance(hash, module.Abi, root, _modules.Engine.ConfigurationDigest);
                stopped.ThrowIfCancellationRequested();
                var execution = new ProgramExecution(_modules.Engine, module, info, view, blobs, request, _options, attempt + 1, Deadline(started, request.Timeout));
                var result = await ExecuteAsync(execution, stopped);
                var logs = notes.Count == 0 ? result.Logs : [.. notes, .. result.Logs];
                if (result.Interrupted)
                {
                    return Interrupted(started, cancellationToken, request, result.FuelConsumed, logs, root);
                }

                if (result.HostFailure is { } failure)
                {
                    LogHostFailure(_logger, failure, info.Id);
                }

                if (result.Outcome != ProgramRunOutcome.Succeeded)
                {
                    return Finish(started, result.Outcome, result.Error, result.FuelConsumed, logs, root, provenance: provenance);
                }

                if (pinnedRoot is null && request.HoldOutput is { } holdOutput && result.Output.Length > 0)
                {
                    try
                    {
                        await holdOutput(result.Output);
                    }
                    catch (QuotaExceededException e)
                    {
                        return Finish(started, ProgramRunOutcome.QuotaExceeded, $"the output of {result.Output.Length} bytes does not fit: {e.Message}; nothing was written", result.FuelConsumed, logs, root);
                    }
                }

                if (result.Writes.Count == 0)
                {
                    return Finish(started, ProgramRunOutcome.Succeeded, null, result.FuelConsumed, logs, root, result.Output, provenance);
                }

                if (pinnedRoot is not null)
                {
                    // A re-execution: the root the writes give, and nothing committed.
                    return Finish(started, ProgramRunOutcome.Succeeded, null, result.FuelConsumed, logs, view.Apply(result.Writes, view.Version + 1).Root, result.Output, provenance);
                }

                var commit = request.JobId is { Length: > 0 } jobId && request.StartTime is { } createdAt
                    ? result.Reads is { } reads
                        ? await stateGrain.CommitForJobReadingAsync(jobId, createdAt, view.Version, result.Writes, reads)
                        : await stateGrain.CommitForJobAsync(jobId, createdAt, view.Version, result.Writes)
                    : await stateGrain.CommitAsync(view.Version, result.Writes);
                if (commit.Committed)
                {
                    if (commit.RootIn is { } rootIn && !string.Equals(rootIn, root, StringComparison.Ordinal))
                    {
                        // Applied on a newer state that differs from the one read only where the run did not look:
                        // the run is what it would have been there, so its receipt names that state.
                        notes.Add(Note($"state moved from version {view.Version} to {commit.Version - 1} during the run without touching what it read; its writes applied on version {commit.Version - 1}", attempt + 1));
                        logs = [.. notes, .. result.Logs];
                        return Finish(started, ProgramRunOutcome.Succeeded, null, result.FuelConsumed, logs, commit.Root, result.Output, provenance with { StateRootIn = rootIn });
                    }

                    Cache(info.Id, view.Apply(result.Writes, commit.Version));
                    return Finish(started, ProgramRunOutcome.Succeeded, null, result.FuelConsumed, logs, commit.Root, result.Output, provenance);
                }

                if (commit.CommittedEarlier > 0)
                {
                    // Another attempt of this job committed: its effect stands, and this attempt reproduces its result
                    // by re-executing on the state that attempt read, committing nothing.
                    if (commit.CommittedEarlierRootIn is not { } rootIn)
                    {
                        return Finish(started, ProgramRunOutcome.StateUnavailable,
                            $"an earlier attempt of job {request.JobId} committed its state change (version {commit.CommittedEarlier}); the state it read is no longer kept, so this attempt cannot reproduce its result; nothing was written",
                            result.FuelConsumed, logs, commit.Root);
                    }

                    notes.Add(Note($"an earlier attempt of this job committed state version {commit.CommittedEarlier}; re-executing on the state it read, committing nothing", attempt + 1));
                    pinnedRoot = rootIn;
                    continue;
                }

                if (commit.JobTooOld)
                {
                    return Finish(started, ProgramRunOutcome.StateUnavailable,
                        $"job {request.JobId} is older than the oldest job the program's state remembers (Marketplace:Programs:StateFenceJobs, StateFenceAge), so whether it already committed cannot be told; nothing was written",
                        result.FuelConsumed, logs, commit.Root);
                }

                if (attempt >= _options.MaxConflictRetries)
                {
                    return Finish(started, ProgramRunOutcome.StateConflict,
                        $"the program's state kept changing under the run ({attempt + 1} attempts); nothing was written",
                        result.FuelConsumed, logs, commit.Root);
                }

                notes.Add(Note($"state moved from version {view.Version} to {commit.Version} during the run; re-running on the new state", attempt + 1));
            }
        }
        catch (OperationCanceledException) when (stopped.IsCancellationRequested)
        {
            return Interrupted(started, cancellationToken, request, 0, notes, root);
        }
    }

    private static void Validate(ProgramRunRequest request)
    {
        if (request.MaxFuel <= 0)
        {
            throw new InvalidRequestException($"max fuel: must be positive, got {request.MaxFuel}");
        }

        if (request.MaxMemoryBytes < Memory.PageSize)
        {
            throw new InvalidRequestException($"max memory: must be at least {Memory.PageSize} bytes, got {request.MaxMemoryBytes}");
        }

        if (request.Timeout <= TimeSpan.Zero || request.Timeout > TimeSpan.FromDays(1))
        {
            throw new InvalidRequestException($"timeout: must be positive and at most a day, got {request.Timeout}");
        }
    }

    /// <summary>The Stopwatch timestamp at which a run that began at <paramref name="started"/> times out.</summary>
    private static long Deadline(long started, TimeSpan timeout) => started + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    private async Task<ProgramExecution.Result> ExecuteAsync(ProgramExecution execution, CancellationToken stopped)
    {
        using var registration = stopped.Register(execution.Interrupt);
        return await _threads.RunAsync(execution.Run);
    }

    private ProgramRunResult Interrupted(
        long started, CancellationToken cancellation, ProgramRunRequest request, long fuel, List<JobLogEntry> logs, string root) =>
        cancellation.IsCancellationRequested
            ? Finish(started, ProgramRunOutcome.Cancelled, "the run was cancelled", fuel, logs, root)
            : Finish(started, ProgramRunOutcome.TimedOut, $"timed out after {(long)request.Timeout.TotalMilliseconds} ms", fuel, logs, root);

    private static ProgramRunResult Finish(
        long started,
        ProgramRunOutcome outcome,
        string? error,
        long fuel = 0,
        IReadOnlyList<JobLogEntry>? logs = null,
        string root = "",
        byte[]? output = null,
        ProgramRunProvenance? provenance = null) => new()
        {
            Outcome = outcome,
            Error = error,
            FuelConsumed = fuel,
            Logs = logs ?? [],
            StateRoot = root,
            Output = output ?? ReadOnlyMemory<byte>.Empty,
            Duration = Stopwatch.GetElapsedTime(started),
            Provenance = provenance,
        };

    private static JobLogEntry Note(string message, int attempt) =>
        new() { Timestamp = DateTimeOffset.UtcNow, Level = "info", Message = message, Attempt = attempt };

    private async Task<(ProgramInfo Info, byte[] Wasm, byte[] Hash)?> LoadProgramAsync(string reference)
    {
        var id = ProgramDeployments.NormalizeProgramId(reference);
        if (id is null)
        {
            return null;
        }

        if (_programs.TryGetValue(id, out var cached))
        {
            return cached;
        }

        var grain = _grains.GetGrain<IProgramGrain>(id);
        var info = await grain.GetInfoAsync();
        if (info is null)
        {
            return null;
        }

        var wasm = await grain.GetModuleAsync();
        // Hashed once per program load, not per run: the compiled-module cache is keyed by it.
        var entry = (info, wasm, System.Security.Cryptography.SHA256.HashData(wasm));
        if (_programs.Count >= _options.StateCacheCapacity)
        {
            _programs.Clear();
        }

        _programs[id] = entry;
        return entry;
    }

    /// <summary>The state at <paramref name="root"/>: the cached view when it is at that root; else the cached view
    /// moved there by the changes between (kept as the cached view when it is newer); else the state grain's whole
    /// kept version; null when that root is no longer kept.</summary>
    private async Task<StateView?> GetStateAtRootAsync(string id, IProgramStateGrain grain, string root)
    {
        if (_states.TryGetValue(id, out var cached))
        {
            if (string.Equals(cached.Root, root, StringComparison.OrdinalIgnoreCase))
            {
                return cached;
            }

            if (await MoveAsync(id, grain, cached, root) is { } moved)
            {
                return moved;
            }
        }

        if (await grain.GetSnapshotAtRootAsync(root) is not { } snapshot)
        {
            return null;
        }

        var view = StateView.FromSnapshot(snapshot);
        Cache(id, view);
        return view;
    }

    /// <summary>The current state: the cached view moved forward by the changes since it, or a whole snapshot when
    /// nothing is cached or the cached version is no longer kept.</summary>
    private async Task<StateView> GetStateAsync(string id, IProgramStateGrain grain)
    {
        if (_states.TryGetValue(id, out var cached) && await MoveAsync(id, grain, cached, toRoot: null) is { } moved)
        {
            return moved;
        }

        var view = StateView.FromSnapshot(await grain.GetSnapshotAsync());
        Cache(id, view);
        return view;
    }

    /// <summary>The <paramref name="cached"/> view moved to <paramref name="toRoot"/> (null: the current state) by the
    /// state grain's changes; null when the grain no longer keeps either end.</summary>
    private async Task<StateView?> MoveAsync(string id, IProgramStateGrain grain, StateView cached, string? toRoot)
    {
        if (await grain.GetChangesAsync(cached.Version, cached.Root, toRoot) is not { } changes)
        {
            return null;
        }

        if (changes.Version == cached.Version)
        {
            return cached;
        }

        var moved = cached.Apply(changes.Writes, changes.Version);
        if (!string.Equals(moved.Root, changes.Root, StringComparison.OrdinalIgnoreCase))
        {
            LogStateChangesMismatch(_logger, id, changes.FromVersion, changes.Version, moved.Root, changes.Root);
            _states.TryRemove(id, out _);
            return null;
        }

        Cache(id, moved);
        return moved;
    }

    /// <summary>Keeps <paramref name="view"/> as the program's cached view unless a newer one is cached.</summary>
    private void Cache(string id, StateView view)
    {
        if (!_states.ContainsKey(id) && _states.Count >= _options.StateCacheCapacity)
        {
            _states.Clear();
        }

        _states.AddOrUpdate(id, view, (_, old) => old.Version > view.Version ? old : view);
    }

    private async Task<Dictionary<string, byte[]>> PrefetchBlobsAsync(List<string> blobRefs, List<JobLogEntry> notes, CancellationToken stopped)
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long budget = _options.MaxBlobPrefetchBytes;
        foreach (var reference in blobRefs)
        {
            var id = BlobIds.FromManifestReference(reference);
            if (id is null || blobs.ContainsKey(id[4..]))
            {
                continue;
            }

            var grain = _grains.GetGrain<IBlobGrain>(id);
            var manifest = await grain.GetManifestAsync(BlobCaller.Silo);
            if (manifest is null)
            {
                notes.Add(Note($"blob {id} is not stored; onvm_blob_read answers -6 for it", 0));
                continue;
            }

            if (manifest.Size > budget)
            {
                notes.Add(Note($"blob {id} ({manifest.Size} bytes) is over the per-run prefetch limit of {_options.MaxBlobPrefetchBytes} bytes; onvm_blob_read answers -6 for it", 0));
                continue;
            }

            var data = new byte[manifest.Size];
            long offset = 0;
            try
            {
                while (offset < data.Length)
                {
                    stopped.ThrowIfCancellationRequested();
                    var piece = await grain.ReadRangeAsync(BlobCaller.Silo, offset, (int)Math.Min(BlobLimits.MaxReadBytes, data.Length - offset));
                    if (piece.Length == 0)
                    {
                        break;
                    }

                    piece.CopyTo(data.AsSpan((int)offset));
                    offset += piece.Length;
                }
            }
            catch (BlobIntegrityException e)
            {
                notes.Add(Note($"blob {id} failed verification ({e.Message}); onvm_blob_read answers -6 for it", 0));
                continue;
            }

            budget -= data.Length;
            blobs[id[4..]] = data;
        }

        return blobs;
    }

    [LoggerMessage(EventId = MarketplaceEventIds.HostFunctionFailed, Level = LogLevel.Error, Message = "A host function failed while running program {ProgramId}")]
    private static partial void LogHostFailure(ILogger logger, Exception exception, string programId);

    [LoggerMessage(EventId = MarketplaceEventIds.StateChangesMismatch, Level = LogLevel.Error,
        Message = "The state changes of program {ProgramId} from version {FromVersion} to {Version} gave root {Computed}, not the state's {Expected}; reading the whole state instead")]
    private static partial void LogStateChangesMismatch(ILogger logger, string programId, long fromVersion, long version, string computed, string expected);
}
