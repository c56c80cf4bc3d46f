// Design: a worker's executor runs attempts outside the worker grain's turns so the grain keeps answering bids,
// heartbeats and cancels while programs run. Capacity slot loops take attempts from a fair queue (FairAttemptQueue:
// one FIFO per client, the client that has had the least of this worker goes first); TryEnqueue admits at most
// Capacity + MaxQueueDepth attempts in flight and, while no slot is free, at most MaxQueuedPerClient waiting attempts
// of one client, so one client's backlog always leaves room for another's. Every attempt
// has its own CancellationTokenSource (job cancel, lost lease) linked to the executor's (shutdown, kill). Results go
// straight to the job grain, with the run's receipt signed by the worker's key (ReceiptSigner); the worker grain only
// reads the counters. Kill/Partition simulate a crashed or cut-off
// worker host for the A11 scenario: Kill drops runs without a word, Partition lets them finish and report late.
using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Telemetry;
using Marketplace.Grains.Workers.TestHooks;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Workers;

/// <summary>Runs one worker's attempts: <see cref="WorkerCapabilities.Capacity"/> at once plus a bounded queue.</summary>
internal sealed partial class WorkerExecutor : IWorkerLoad
{
    private const int MaxRecordedResults = 4096;

    private readonly IGrainFactory _grains;
    private readonly GrainReferences<IJobAttemptGrain> _jobs;
    private readonly RoomHolds _holds;
    private readonly RoomWakes _wakes;
    private readonly IProgramRunner? _runner;
    private readonly ReceiptSigner _signer;
    private readonly IRunResultTampering? _tampering;
    private readonly IWorkerLinkFaults? _linkFaults;
    private readonly ConcurrentDictionary<string, byte[]> _resultDigests = new(StringComparer.Ordinal);
    private readonly ILogger _log;
    private readonly FairAttemptQueue<Attempt> _queue = new();
    private readonly ConcurrentDictionary<string, Attempt> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _slots;
    private readonly int _limit;
    private readonly int _capacity;
    private readonly int _maxQueuedPerClient;
    private readonly TimeSpan _renewEvery;
    private int _running;
    private int _preparing;
    private int _queued;
    private long _succeeded;
    private volatile bool _silent;
    private WorkerProfile? _profile;

    /// <summary>The blob store's chunk size, to hold a job's output in its client's quota before the run commits; null
    /// on a silo without the blob store (nothing held).</summary>
    private readonly int? _outputChunkSize;

    public WorkerExecutor(string workerId, int capacity, int maxQueueDepth, int maxQueuedPerClient, TimeSpan renewEvery, IGrainFactory grains, GrainReferences<IJobAttemptGrain> jobs, WorkerWaitlist waitlist, IProgramRunner? runner, ReceiptSigner signer, ILogger log, TimeProvider time, IRunResultTampering? tampering = null, int? outputChunkSize = null, IWorkerLinkFaults? linkFaults = null)
    {
        _tampering = tampering;
        _linkFaults = linkFaults;
        _outputChunkSize = outputChunkSize;
        _holds = new RoomHolds(time);
        _wakes = new RoomWakes(
            waitlist,
            _holds,
            jobId => jobs.Create(jobId).RoomAvailableAsync(),
            () => _limit - Running - Queued,
            () => IsAlive,
            (jobId, error) => LogWakeFailed(log, workerId, jobId, error),
            time);
        WorkerId = workerId;
        _limit = capacity + maxQueueDepth;
        _capacity = capacity;
        _maxQueuedPerClient = Math.Max(1, maxQueuedPerClient);
        _renewEvery = renewEvery;
        _grains = grains;
        _jobs = jobs;
        _runner = runner;
        _signer = signer;
        _signer.RunsInProgress = () => Volatile.Read(ref _queued) + Volatile.Read(ref _running) + Volatile.Read(ref _preparing);
        _log = log;
        _slots = new Task[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _slots[i] = Task.Run(SlotLoopAsync);
        }

        MarketplaceTelemetry.Track(this);
    }

    /// <summary>The worker.</summary>
    public string WorkerId { get; }

    /// <summary>The worker's latest profile, published by its grain (null before it registered).</summary>
    public WorkerProfile? Profile
    {
        get => Volatile.Read(ref _profile);
        set => Volatile.Write(ref _profile, value);
    }

    /// <summary>Attempts executing now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Attempts waiting for a slot.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>False after shutdown or <see cref="Halt"/>, and while cut off from the cluster: the worker no longer takes
    /// work and its host no longer heartbeats.</summary>
    public bool IsAlive => !_stop.IsCancellationRequested && !CutOff;

    /// <summary>True while the worker cannot reach the cluster nor the cluster it (only ever in tests, through
    /// <see cref="IWorkerLinkFaults"/>): runs go on and report late; no renewal, heartbeat or cancel gets through.</summary>
    private bool CutOff => _linkFaults?.IsCutOff(WorkerId) == true;

    /// <summary>Attempts of this worker that succeeded since the last call (for the worker's reputation).</summary>
    public long TakeSucceeded() => Interlocked.Exchange(ref _succeeded, 0);

    /// <summary>Attempts of <paramref name="clientId"/> waiting for a slot.</summary>
    public int QueuedOf(string clientId) => _queue.CountOf(clientId);

    /// <summary>Why <paramref name="clientId"/>'s next attempt would wait elsewhere (this worker is full, or holds
    /// that client's share of its queue), or null when it would be admitted now.</summary>
    public string? BusyReason(string clientId, string? jobId = null)
    {
        var running = Running;
        var queued = Queued;
        var (held, heldOfClient) = _holds.HeldForOthers(clientId, jobId);
        if (running + queued + held >= _limit)
        {
            return held == 0
                ? $"worker {WorkerId} is full ({running} running, {queued} queued; capacity {_capacity}, queue {_limit - _capacity})"
                : $"worker {WorkerId} is full ({running} running, {queued} queued, {held} held for waiting jobs; capacity {_capacity}, queue {_limit - _capacity})";
        }

        return running + queued + held >= _capacity && _queue.CountOf(clientId) + heldOfClient >= _maxQueuedPerClient
            ? $"worker {WorkerId} already queues {_maxQueuedPerClient} attempts of this client, its share of the queue"
            : null;
    }

    /// <summary>Admits an attempt unless the executor is stopped, full or holds the client's share of its queue;
    /// null when admitted, else why not.</summary>
    public WorkerRefusal? TryEnqueue(JobAssignment assignment) => TryEnqueue(assignment, null);

    /// <summary>Admits a committee re-execution like an attempt (same slots, queue and limits); null when admitted,
    /// else why not.</summary>
    public WorkerRefusal? TryEnqueue(AttestationRequest request) => TryEnqueue(request.Run, request);

    /// <summary>This worker's signature over <paramref name="representative"/>'s receipt hash when the result digest it
    /// recorded for that job (from its own run) is the representative's; else null. Never re-runs anything.</summary>
    public byte[]? Endorse(ExecutionReceipt representative)
    {
        byte[] digest;
        try
        {
            digest = ReceiptCodec.ResultDigest(representative);
        }
        catch (ReceiptFormatException)
        {
            return null;
        }

        if (!_resultDigests.TryGetValue(representative.JobId, out var recorded) || !recorded.AsSpan().SequenceEqual(digest))
        {
            return null;
        }

        try
        {
            return _signer.SignHash(representative.JobId, digest, ReceiptCodec.Hash(representative));
        }
        catch (DoubleSignRefusedException e)
        {
            LogDoubleSignRefused(_log, e, WorkerId, representative.JobId);
            return null;
        }
    }

    private WorkerRefusal? TryEnqueue(JobAssignment assignment, AttestationRequest? attestation)
    {
        if (!IsAlive)
        {
            return new WorkerRefusal($"worker {WorkerId} is not running jobs (its executor stopped)", Busy: false);
        }

        if (BusyReason(assignment.ClientId, assignment.JobId) is { } busy)
        {
            return new WorkerRefusal(busy, Busy: true);
        }

        var inFlight = Interlocked.Increment(ref _queued) + Volatile.Read(ref _running);
        if (inFlight > _limit)
        {
            Interlocked.Decrement(ref _queued);
            return new WorkerRefusal($"worker {WorkerId} is full ({_limit} attempts in flight)", Busy: true);
        }

        var attempt = new Attempt(assignment, _jobs.Create(assignment.JobId), CancellationTokenSource.CreateLinkedTokenSource(_stop.Token)) { Attestation = attestation };
        if (!_inFlight.TryAdd(assignment.AttemptId, attempt))
        {
            Interlocked.Decrement(ref _queued);
            attempt.Cancellation.Dispose();
            return null; // The same attempt delivered twice: already queued.
        }

        if (!_queue.Enqueue(assignment.ClientId, attempt))
        {
            _inFlight.TryRemove(assignment.AttemptId, out _);
            Interlocked.Decrement(ref _queued);
            attempt.Cancellation.Dispose();
            return new WorkerRefusal($"worker {WorkerId} is not running jobs (its executor stopped)", Busy: false);
        }

        _holds.Release(assignment.JobId);
        return null;
    }

    /// <summary>Whether attempt <paramref name="attemptId"/> is queued or running here (false while cut off: the
    /// question never reaches this worker).</summary>
    public bool Holds(string attemptId) => IsAlive && _inFlight.ContainsKey(attemptId);

    /// <summary>Stops one attempt (job cancelled or lease lost); its result is not reported.</summary>
    public void Cancel(string attemptId)
    {
        if (CutOff)
        {
            return; // Cut off: the message never reaches this worker.
        }

        if (_inFlight.TryGetValue(attemptId, out var attempt))
        {
            attempt.Abandoned = true;
            attempt.Cancel();
        }
    }

    /// <summary>Stops at once, as a crashed host does: every run stops, nothing is reported, no lease is renewed and
    /// no work is taken. <see cref="StopAsync"/> starts with it.</summary>
    internal void Halt()
    {
        _silent = true;
        _stop.Cancel();
        _queue.Complete();
    }

    /// <summary>Renews the leases of attempts whose last renewal is older than the renewal interval; stops attempts
    /// the job no longer wants.</summary>
    public async Task RenewLeasesAsync()
    {
        if (!IsAlive)
        {
            return;
        }

        // Renewed concurrently: one job grain busy in a long turn must not hold up the other attempts' leases.
        var now = Environment.TickCount64;
        List<Task>? renewals = null;
        foreach (var (id, attempt) in _inFlight)
        {
            if (attempt.Attestation is not null)
            {
                continue; // A re-execution has a deadline, not a lease.
            }

            if (now - attempt.LastRenewal < (long)(_renewEvery.TotalMilliseconds / 2))
            {
                continue;
            }

            attempt.LastRenewal = now;
            (renewals ??= []).Add(RenewAsync(id, attempt));
        }

        if (renewals is not null)
        {
            await Task.WhenAll(renewals).ConfigureAwait(false);
        }
    }

    private async Task RenewAsync(string attemptId, Attempt attempt)
    {
        try
        {
            if (!await attempt.Job.RenewLeaseAsync(attemptId).ConfigureAwait(false))
            {
                attempt.Abandoned = true;
                attempt.Cancel();
            }
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            LogRenewFailed(_log, e, WorkerId, attempt.Assignment.JobId);
        }
    }

    /// <summary>Stops taking work, cancels runs without reporting them (the jobs resume elsewhere) and waits for the
    /// slot loops until <paramref name="stopping"/> fires (the host's shutdown timeout). A slot still busy then is
    /// logged and left behind: its attempt's lease expires and the job retries elsewhere.</summary>
    public async Task StopAsync(CancellationToken stopping)
    {
        MarketplaceTelemetry.Untrack(this);
        Halt();
        var slots = Task.WhenAll(_slots);
        try
        {
            await slots.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            LogStopIncomplete(_log, WorkerId, _slots.Count(s => !s.IsCompleted));
            return; // The signer and token stay with the slots still running; the process is going away.
        }

        // Reports already sent are waited for too: each completes its job rather than leaving it to a lease expiry.
        if (!await ReportsAnsweredAsync(stopping).ConfigureAwait(false))
        {
            return;
        }

        _stop.Dispose();
        _signer.Dispose();
    }


    private async Task SlotLoopAsync()
    {
        try
        {
            while (await _queue.DequeueAsync(_stop.Token).ConfigureAwait(false) is { } next)
            {
                var (clientId, attempt) = next;
                Interlocked.Decrement(ref _queued);
                Interlocked.Increment(ref _running);
                _wakes.RoomOpened(); // a place in the queue opened
                var reporting = false;
                try
                {
                    var (fuel, report) = await RunAsync(attempt).ConfigureAwait(false);
                    _queue.Charge(clientId, fuel);
                    if (report is not null)
                    {
                        // The slot is free once the run is signed and its report sent: the job's handling of the
                        // report (its receipt check, state write and settlement) runs while this slot runs the next.
                        TrackReport(attempt, report);
                        reporting = true;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A fault outside the program (the runner or the grain calls around it): the slot survives, the
                    // attempt is not reported and its lease expires, so the job retries elsewhere.
                    LogAttemptFault(_log, e, WorkerId, attempt.Assignment.JobId);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                    _signer.RunEnded(); // a batch waiting for this run's receipt (or for nothing more) may close
                    if (!reporting)
                    {
                        Retire(attempt);
                    }

                    if (_queue.Count == 0)
                    {
                        _wakes.RoomOpened(); // the slot goes idle
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Shutdown or kill: queued attempts are dropped; their leases expire and the jobs retry elsewhere.
        }
    }

    /// <summary>Runs one attempt and sends its report; returns the fuel it burned and the report on its way (null when
    /// nothing is reported).</summary>
    private async Task<(long Fuel, Task? Report)> RunAsync(Attempt attempt)
    {
        var a = attempt.Assignment;
        var token = attempt.Cancellation.Token;
        if (token.IsCancellationRequested)
        {
            return (0, null);
        }

        if (attempt.Attestation is { } attestation)
        {
            return await AttestAsync(attempt, attestation, token).ConfigureAwait(false);
        }

        // The span joins the submitting request's trace (carried by the assignment); the grain calls below run
        // inside it, so Orleans propagates the same trace to the job grain and the blob grains.
        using var activity = MarketplaceTelemetry.StartJobRun(a.TraceParent, a.TraceState, a.JobId, a.ProgramId, WorkerId, a.Attempt);
        var started = Stopwatch.GetTimestamp();
        var job = attempt.Job;
        // Not awaited here: the run does not depend on it; the report waits for it, so the job hears of the start first.
        var startNoted = job.AttemptStartedAsync(a.AttemptId, DateTimeOffset.UtcNow);
        var (report, output) = await ExecuteAsync(a, token).ConfigureAwait(false);
        var outcome = MarketplaceTelemetry.OutcomeOf(report.Succeeded, report.FailureReason);
        MarketplaceTelemetry.JobRan(Stopwatch.GetElapsedTime(started), outcome);
        if (activity is not null)
        {
            activity.SetTag(MarketplaceTelemetry.OutcomeTag, outcome);
            if (!report.Succeeded)
            {
                activity.SetStatus(ActivityStatusCode.Error, report.Error);
            }
        }

        if (_silent || attempt.Abandoned)
        {
            activity?.SetTag(MarketplaceTelemetry.ReportedTag, false);
            await NotedAsync(startNoted).ConfigureAwait(false);
            return (report.FuelConsumed, null);
        }

        // Sent inside the run's span, so the job's handling joins the same trace. Counted as in progress until its
        // receipt reaches the signer, so a batch waits for it.
        Interlocked.Increment(ref _preparing);
        return (report.FuelConsumed, SignAndReportAsync(job, a, report, output, startNoted, token));
    }

    /// <summary>Signs the report's receipt (built unsigned by the run) in the signer's next batch while the run's output
    /// is stored, then sends the report, while the slot runs the next attempt. An output that cannot be stored, a
    /// refused signature (another result already claimed for the job) or a signer fault reports the attempt failed,
    /// without a receipt.</summary>
    private async Task SignAndReportAsync(IJobAttemptGrain job, JobAssignment a, AttemptReport report, ReadOnlyMemory<byte> output, Task startNoted, CancellationToken token)
    {
        Task<SignedExecutionReceipt>? signing = null;
        try
        {
            if (report.Receipt is { } toSign)
            {
                // The receipt names the output by its hash, so its claim (the fsynced intent) and its signature need
                // nothing from the store: both are made beside it.
                signing = _signer.SignAsync(toSign.Receipt);
            }
        }
        finally
        {
            // Counted as in progress until its receipt is with the signer, so a batch waiting for it takes it.
            Interlocked.Decrement(ref _preparing);
            _signer.RunEnded();
        }

        await StoreOutputAsync(a, report, output, token).ConfigureAwait(false);
        if (report.Receipt is null && signing is not null)
        {
            // The output could not be stored: the attempt reports failed without a receipt. Its claim stays recorded,
            // which is harmless: the same run here claims the same result again.
            await DropSignatureAsync(signing).ConfigureAwait(false);
            signing = null;
        }

        await SignedAsync(a, report, signing).ConfigureAwait(false);
        if (report.Succeeded)
        {
            Interlocked.Increment(ref _succeeded);
        }

        await NotedAsync(startNoted).ConfigureAwait(false);
        await job.ReportAttemptAsync(report).ConfigureAwait(false);
    }

    /// <summary>Waits for the job to have taken the attempt's start; a start the job could not take (it moved on) only
    /// costs the start time, so it is not an error of the attempt.</summary>
    private static async Task NotedAsync(Task startNoted)
    {
        try
        {
            await startNoted.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // The report (or the lease) tells the job how the attempt went.
        }
    }

    private async Task StoreOutputAsync(JobAssignment a, AttemptReport report, ReadOnlyMemory<byte> output, CancellationToken token)
    {
        if (!output.IsEmpty)
        {
            try
            {
                report.OutputBlobId = await AttemptBlobs.StoreAsync(_grains, a.ClientId, output, token).ConfigureAwait(false);
                MarketplaceTelemetry.BlobUploaded(output.Length, MarketplaceTelemetry.BlobSourceJobOutput);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                report.Receipt = null;
                Fail(report, FailureReason.WorkerLost, "attempt stopped while storing its output");
            }
            catch (Exception e) when (IsClusterOutOfReach(e))
            {
                report.Receipt = null;
                report.ClusterFault = true;
                Fail(report, FailureReason.WorkerLost, $"worker {WorkerId} could not store the output, the cluster being out of reach: {e.Message}");
            }
            catch (MarketplaceException e)
            {
                report.Receipt = null;
                Fail(report, FailureReason.WorkerLost, $"worker {WorkerId} could not store the output: {e.Message}");
            }
        }
    }

    /// <summary>Waits for the signature of a receipt that will not be sent, so a fault of its claim is observed here
    /// rather than lost; the attempt already reports why it failed.</summary>
    private static async Task DropSignatureAsync(Task<SignedExecutionReceipt> signing)
    {
        try
        {
            await signing.ConfigureAwait(false);
        }
        catch (Exception e) when (e is DoubleSignRefusedException or IOException)
        {
            // Nothing was signed, or the claim could not be written: either way no receipt leaves for this attempt.
        }
    }

    private async Task SignedAsync(JobAssignment a, AttemptReport report, Task<SignedExecutionReceipt>? signing)
    {
        if (signing is not null)
        {
            try
            {
                report.Receipt = await signing.ConfigureAwait(false);
                RecordResult(report.Receipt.Receipt);
            }
            catch (DoubleSignRefusedException e)
            {
                LogDoubleSignRefused(_log, e, WorkerId, a.JobId);
                report.Receipt = null;
                report.Retriable = true;
                Fail(report, FailureReason.WorkerLost, e.Message);
            }
            catch (IOException e)
            {
                report.Receipt = null;
                report.Retriable = true;
                Fail(report, FailureReason.WorkerLost, $"worker {WorkerId} could not record its claim before signing: {e.Message}");
            }
        }
    }

    /// <summary>Reads the input and runs the program of <paramref name="a"/>; a null result comes with why not (and
    /// <paramref name="report"/>, when given, marked <see cref="AttemptReport.ClusterFault"/> when the cluster was out
    /// of reach).</summary>
    private async Task<(ReadOnlyMemory<byte> Input, ProgramRunResult? Result, FailureReason Reason, string? Error)> RunProgramAsync(JobAssignment a, AttemptReport? report, bool holdOutput, CancellationToken token)
    {
        if (_runner is null)
        {
            return (default, null, FailureReason.InvalidProgram, "no program runner is registered on this silo");
        }

        ReadOnlyMemory<byte> input;
        try
        {
            input = a.InputInline
                ?? (a.InputDealId is { } dealId ? await AttemptBlobs.ReadDealAsync(_grains, dealId, token).ConfigureAwait(false)
                : a.InputBlobId is null ? ReadOnlyMemory<byte>.Empty
                : await AttemptBlobs.ReadAsync(_grains, a.InputBlobId, token).ConfigureAwait(false));
        }
        catch (Exception e) when (e is BlobNotFoundException or InvalidRequestException or DealNotFoundException)
        {
            return (default, null, FailureReason.MissingDependency, e.Message);
        }
        catch (StorageUnavailableException e)
        {
            return (default, null, FailureReason.MissingDependency, "input deal is unreadable now: " + e.Message);
        }
        catch (BlobIntegrityException e)
        {
            return (default, null, FailureReason.MissingDependency, "input blob is damaged: " + e.Message);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return (default, null, FailureReason.WorkerLost, "attempt stopped before it ran");
        }
        catch (Exception e) when (IsClusterOutOfReach(e))
        {
            if (report is not null)
            {
                report.ClusterFault = true;
            }

            return (default, null, FailureReason.WorkerLost, $"worker {WorkerId} could not read the input, the cluster being out of reach: {e.Message}");
        }

        var result = await _runner.RunAsync(
            new ProgramRunRequest
            {
                ProgramId = a.ProgramId,
                Input = input,
                MaxFuel = a.MaxFuel,
                MaxMemoryBytes = a.MaxMemoryBytes,
                Timeout = TimeSpan.FromMilliseconds(a.TimeoutMs),
                JobId = a.JobId,
                Arguments = a.Args,
                Environment = a.Env,
                StartTime = a.CreatedAt == default ? null : a.CreatedAt,
                StateRoot = a.StateRoot,
                HoldOutput = holdOutput && _outputChunkSize is { } chunkSize && a.ClientId is { Length: > 0 } clientId
                    ? output => AttemptBlobs.HoldOutputAsync(_grains, chunkSize, clientId, output)
                    : null,
            },
            token).ConfigureAwait(false);
        if (_tampering is not null)
        {
            result = await _tampering.TamperAsync(WorkerId, a.JobId, result).ConfigureAwait(false);
        }

        return (input, result, FailureReason.None, null);
    }

    private async Task<(AttemptReport Report, ReadOnlyMemory<byte> Output)> ExecuteAsync(JobAssignment a, CancellationToken token)
    {
        var report = new AttemptReport { AttemptId = a.AttemptId, WorkerId = WorkerId };
        var (input, ran, reason, problem) = await RunProgramAsync(a, report, holdOutput: true, token).ConfigureAwait(false);
        if (ran is not { } result)
        {
            return (Fail(report, reason, problem ?? reason.ToString()), default);
        }

        report.FuelConsumed = result.FuelConsumed;
        report.DurationMs = result.Duration.TotalMilliseconds;
        report.StateRoot = string.IsNullOrEmpty(result.StateRoot) ? null : result.StateRoot;
        report.Logs = result.Logs as List<JobLogEntry> ?? [.. result.Logs];
        // Built here; the receipt is signed and the output stored, side by side, after the slot is free
        // (SignAndReportAsync), the receipt in a batch with the runs that end meanwhile.
        report.Receipt = _signer.Build(a, input.Span, result) is { } unsigned
            ? new SignedExecutionReceipt { Receipt = unsigned }
            : null;

        return (Ended(report, result, a), result.Outcome == ProgramRunOutcome.Succeeded ? result.Output : default);
    }

    private static AttemptReport Ended(AttemptReport report, ProgramRunResult result, JobAssignment a)
    {
        switch (result.Outcome)
        {
            case ProgramRunOutcome.Succeeded:
                report.OutputSize = result.Output.Length;
                report.Succeeded = true;
                return report;
            case ProgramRunOutcome.OutOfFuel:
                return Fail(report, FailureReason.OutOfFuel, result.Error ?? $"out of fuel after {a.MaxFuel} fuel");
            case ProgramRunOutcome.OutOfMemory:
                return Fail(report, FailureReason.OutOfMemory, result.Error ?? "memory limit exceeded");
            case ProgramRunOutcome.TimedOut:
                return Fail(report, FailureReason.Timeout, $"timed out after {a.TimeoutMs} ms");
            case ProgramRunOutcome.MissingProgram:
                return Fail(report, FailureReason.MissingDependency, result.Error ?? $"program {a.ProgramId} is not deployed");
            case ProgramRunOutcome.InvalidProgram:
                return Fail(report, FailureReason.InvalidProgram, result.Error ?? "the program cannot be run");
            case ProgramRunOutcome.StateConflict:
                report.Retriable = true;
                return Fail(report, FailureReason.ExecutionError, result.Error ?? "the program's state kept changing under the run");
            case ProgramRunOutcome.StackOverflow:
                return Fail(report, FailureReason.StackOverflow, result.Error ?? "the program overflowed the sandbox's stack");
            case ProgramRunOutcome.Exited:
                return Fail(report, FailureReason.ExecutionError, result.Error ?? "the program exited with a non-zero code");
            case ProgramRunOutcome.OutputLimitExceeded:
                return Fail(report, FailureReason.ExecutionError, result.Error ?? "the program's output is over the limit");
            case ProgramRunOutcome.Cancelled:
                return Fail(report, FailureReason.WorkerLost, "the run was interrupted on the worker");
            case ProgramRunOutcome.QuotaExceeded:
                return Fail(report, FailureReason.QuotaExceeded, result.Error ?? "the output does not fit the client's stored-bytes quota");
            case ProgramRunOutcome.StateUnavailable:
                return Fail(report, FailureReason.ExecutionError, result.Error ?? "the program's state the run needs is no longer kept");
            default:
                return Fail(report, FailureReason.ExecutionError, result.Error ?? "the program trapped");
        }
    }

    /// <summary>Re-executes a job's run for its committee and answers the job: agreement with a candidate whose result
    /// digest matches this run's, else a dissent with this run's signed receipt (and its output stored, so its result
    /// can win). Not counted as the worker's executed attempts.</summary>
    private async Task<(long Fuel, Task? Report)> AttestAsync(Attempt attempt, AttestationRequest request, CancellationToken token)
    {
        var report = await AttestationReportAsync(attempt.Assignment, request, token).ConfigureAwait(false);
        return _silent || attempt.Abandoned ? (report.Fuel, null) : (report.Fuel, attempt.Job.ReportAttestationAsync(report.Report));
    }

    private async Task<(AttestationReport Report, long Fuel)> AttestationReportAsync(JobAssignment a, AttestationRequest request, CancellationToken token)
    {
        var report = new AttestationReport { RequestId = a.AttemptId, WorkerId = WorkerId };
        var (input, ran, reason, problem) = await RunProgramAsync(a, null, holdOutput: false, token).ConfigureAwait(false);
        if (ran is not { } result)
        {
            report.Unable = problem ?? reason.ToString();
            return (report, 0);
        }

        if (result.Outcome == ProgramRunOutcome.StateUnavailable)
        {
            report.Unable = result.Error ?? "the program's state the run read is no longer kept";
            report.StateUnavailable = true;
            return (report, 0);
        }

        SignedExecutionReceipt? own;
        try
        {
            own = _signer.Sign(a, input.Span, result);
        }
        catch (DoubleSignRefusedException e)
        {
            LogDoubleSignRefused(_log, e, WorkerId, a.JobId);
            report.Unable = e.Message;
            return (report, result.FuelConsumed);
        }

        if (own is null)
        {
            report.Unable = $"the re-execution ended without a receipt ({result.Outcome}): {result.Error}";
            return (report, result.FuelConsumed);
        }

        var digest = RecordResult(own.Receipt);
        foreach (var candidate in request.Candidates)
        {
            byte[] candidateDigest;
            try
            {
                candidateDigest = ReceiptCodec.ResultDigest(candidate.Receipt);
            }
            catch (ReceiptFormatException)
            {
                continue;
            }

            if (candidateDigest.AsSpan().SequenceEqual(digest) && candidate.ReceiptHash is { Length: ReceiptCodec.HashBytes } hash)
            {
                report.AgreedReceiptHash = hash;
                report.Signature = _signer.SignHash(a.JobId, digest, hash);
                if (_tampering is not null)
                {
                    report.Signature = _tampering.TamperAgreement(WorkerId, a.JobId, hash, report.Signature);
                }

                return (report, result.FuelConsumed);
            }
        }

        report.Dissent = own;
        if (result.Outcome == ProgramRunOutcome.Succeeded && !result.Output.IsEmpty)
        {
            try
            {
                report.OutputBlobId = await AttemptBlobs.StoreAsync(_grains, a.ClientId, result.Output, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                report.Dissent = null;
                report.Unable = "the re-execution stopped while storing its output";
            }
            catch (Exception e) when (e is MarketplaceException or OrleansException or TimeoutException)
            {
                report.Dissent = null;
                report.Unable = $"worker {WorkerId} could not store the re-execution's output: {e.Message}";
            }
        }

        report.OutputSize = result.Output.Length;
        return (report, result.FuelConsumed);
    }

    /// <summary>Remembers the result digest of this worker's own run of a job (for endorsements); bounded.</summary>
    private byte[] RecordResult(ExecutionReceipt receipt)
    {
        var digest = ReceiptCodec.ResultDigest(receipt);
        if (_resultDigests.Count >= MaxRecordedResults)
        {
            _resultDigests.Clear();
        }

        _resultDigests[receipt.JobId] = digest;
        return digest;
    }

    /// <summary>Whether <paramref name="e"/> says that grains on another silo or the chunk store were out of reach
    /// (a silo that left, the database away): the cluster's fault, not this worker's.</summary>
    private static bool IsClusterOutOfReach(Exception e) => e is OrleansException or TimeoutException or BlobStoreException;

    private static AttemptReport Fail(AttemptReport report, FailureReason reason, string error)
    {
        report.Succeeded = false;
        report.FailureReason = reason;
        report.Error = error;
        return report;
    }

    [LoggerMessage(EventId = MarketplaceEventIds.DoubleSignRefused, Level = LogLevel.Error, Message = "Worker {WorkerId} refused to sign a second result for job {JobId}; the attempt is reported as failed without a receipt")]
    private static partial void LogDoubleSignRefused(ILogger log, Exception e, string workerId, string jobId);

    [LoggerMessage(EventId = MarketplaceEventIds.LeaseRenewalFailed, Level = LogLevel.Warning, Message = "Worker {WorkerId} could not renew the lease of job {JobId}")]
    private static partial void LogRenewFailed(ILogger log, Exception e, string workerId, string jobId);

    [LoggerMessage(EventId = MarketplaceEventIds.AttemptFailed, Level = LogLevel.Error, Message = "Worker {WorkerId} failed to run an attempt of job {JobId}; its lease will expire")]
    private static partial void LogAttemptFault(ILogger log, Exception e, string workerId, string jobId);

    [LoggerMessage(EventId = MarketplaceEventIds.WorkerStopIncomplete, Level = LogLevel.Warning, Message = "Worker {WorkerId} stopped with {Busy} run slot(s) still busy at the shutdown deadline; their leases will expire")]
    private static partial void LogStopIncomplete(ILogger log, string workerId, int busy);

    [LoggerMessage(EventId = MarketplaceEventIds.RoomWakeFailed, Level = LogLevel.Information, Message = "Worker {WorkerId} could not tell job {JobId} that room opened ({Error}); the next waiting job is told")]
    private static partial void LogWakeFailed(ILogger log, string workerId, string jobId, string error);

    [LoggerMessage(EventId = MarketplaceEventIds.AttemptReportFailed, Level = LogLevel.Warning, Message = "Worker {WorkerId} could not report the attempt of job {JobId}; its lease will expire")]
    private static partial void LogReportFailed(ILogger log, Exception e, string workerId, string jobId);

    /// <summary>One admitted attempt.</summary>
    private sealed class Attempt(JobAssignment assignment, IJobAttemptGrain job, CancellationTokenSource cancellation)
    {
        public JobAssignment Assignment { get; } = assignment;

        /// <summary>The job's worker-facing grain: started, lease renewals and the report go to it.</summary>
        public IJobAttemptGrain Job { get; } = job;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        /// <summary>Set for a committee re-execution: answered with an attestation, not a report.</summary>
        public AttestationRequest? Attestation { get; init; }

        public long LastRenewal { get; set; } = Environment.TickCount64;

        public volatile bool Abandoned;

        public void Cancel()
        {
            try
            {
                Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt just finished.
            }
        }
    }
}
