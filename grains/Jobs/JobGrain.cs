// Design: one grain per job runs the whole lifecycle in its own turns (non-reentrant, so no locks); the moves it may
// make are one table, JobLifecycle.cs, checked by MoveTo:
//   submit -> pending -> matching (offer once to each worker host, collect its workers' bids for BidWindow or until
//   every online worker answered) -> running (assigned attempt with a lease the worker renews) -> completed | failed
//   | timed_out, with retries (exponential backoff) back to pending, and cancelled / expired from any non-terminal
//   state. A job whose workers have no room, or whose client is at its concurrent quota, waits pending (no retry
//   charged) until it is told room opened (RoomAvailableAsync) or its next poll.
// A single one-shot grain timer is armed for the nearest deadline (bid window, backoff end, TTL, lease expiry,
// watchdog); each tick re-evaluates the state and re-arms. Attempts carry a random token: a report or lease renewal
// with another token is stale and ignored, so a job completes exactly once.
// Durability: state is written at submit, at each retry and at the end (not at every transition: a restart resumes a
// matching or running job from pending, i.e. execution is at-least-once, completion exactly-once). A job still
// unfinished WatchdogAfter after submit (0, the default: at submit) registers a reminder so it resumes after a silo restart even if nobody calls
// it; deactivation writes the state and registers the reminder too.
using System.Diagnostics;
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Jobs.Verification;
using Marketplace.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Jobs;

/// <summary>One job (key = job id, see <see cref="JobIds"/>): the client-facing <see cref="IJobGrain"/> and the
/// worker-facing <see cref="IJobAttemptGrain"/> of the same activation.</summary>
[Orleans.Placement.PreferLocalPlacement]
internal sealed partial class JobGrain(
    [PersistentState("job")] IPersistentState<JobState> state,
    JobLookups lookups,
    JobSettlements settlements,
    IOptions<JobsOptions> options) : Grain, IJobGrain, IJobAttemptGrain, IVerifyingJobGrain, IRemindable
{
    /// <summary>The name of the reminder that resumes an unfinished job (also read by <see cref="OrphanedJobSweep"/>).</summary>
    internal const string WatchdogReminder = "job-watchdog";
    private const long DefaultFuel = 50_000_000;
    private const long DefaultMemoryBytes = 64L * 1024 * 1024;
    private const long DefaultTimeoutMs = 30_000;

    private readonly JobsOptions _options = options.Value;
    private readonly AbsentResourceRetirement _absent = new();
    private IGrainTimer? _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;

    private JobInfo Info => state.State.Info;

    private bool Submitted => Info.JobId.Length > 0;

    private bool Terminal => IsTerminal(Info.Status);

    /// <summary>Where the job is in its lifecycle (<see cref="JobLifecycle"/>).</summary>
    private JobPhase Phase => JobLifecycle.PhaseOf(Info.Status, Verifying);

    /// <summary>Moves the job to <paramref name="to"/>, checked against the lifecycle table (an unlisted move is made
    /// and logged, see <see cref="JobLifecycle"/>).</summary>
    private void MoveTo(JobPhase to)
    {
        lookups.Lifecycle.Check(JobId, Phase, to);
        Info.Status = JobLifecycle.StatusOf(to);
    }

    private string JobId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Submitted && Terminal)
        {
            RetireWhenIdle();
            if (state.State.SettlementOwed)
            {
                ArmSettlementRetry(TimeSpan.Zero);
            }
        }
        else if (Submitted && Verifying)
        {
            // The committee's requests and deadlines are stored: members still answer, late ones are replaced.
            Schedule();
        }
        else if (Submitted)
        {
            if (Info.Status is JobStatus.Running or JobStatus.Matching)
            {
                AddLog("warn", $"resumed after the job's grain was reactivated; the unfinished {(Info.Status == JobStatus.Running ? "attempt" : "matching round")} is abandoned");
                MoveTo(JobPhase.Pending);
            }

            _resumedAt = DateTimeOffset.UtcNow;
            Schedule();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!Submitted || Terminal)
        {
            return;
        }

        await EnsureWatchdogAsync();
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<JobInfo> SubmitAsync(JobSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (Submitted)
        {
            if (!string.Equals(Info.ClientId, submission.ClientId, StringComparison.Ordinal))
            {
                throw new AccessDeniedException($"job {JobId} belongs to another client");
            }

            if (state.State.SubmissionDigest is { } digest
                && !string.Equals(digest, JobSubmissionDigest.Compute(submission), StringComparison.Ordinal))
            {
                throw new RequestIdConflictException(
                    $"request id '{Info.RequestId}' was used for job {JobId} with a different body; use a new request id for a different job, or resend the same body to get the existing job");
            }

            if (!Terminal && _timer is null)
            {
                // A resubmit after a first submit that failed past its state write (the client list was
                // unreachable): make sure the job moves on.
                Schedule();
            }

            return Info;
        }

        try
        {
            JobSubmissionValidator.Validate(JobId, submission);
        }
        catch (InvalidRequestException)
        {
            DeactivateOnIdle();
            throw;
        }

        var reference = submission.Program.Trim();
        ProgramInfo? program;
        string programId;
        if (JobSubmissionValidator.IsProgramId(reference))
        {
            programId = reference;
            program = await lookups.ProgramAsync(reference);
        }
        else
        {
            program = await lookups.ResolveAsync(reference);
            programId = program.Id;
        }

        // The job's client must be able to read its input (a blob it may not read answers as one that is not stored):
        // a chunk-store blob, or else a storage deal's blob that is the client's own, shared with it or public. Workers
        // read it later with the silo's authority, so a grant revoked after submit does not break the job.
        DealStatus? inputDeal = null;
        BlobManifest? inputBlob = null;
        if (submission.InputBlobId is { } blobId
            && (inputBlob = await GrainFactory.GetGrain<IBlobGrain>(blobId).GetManifestAsync(BlobCaller.Client(submission.ClientId))) is null
            && (inputDeal = await DealBlobs.FindReadableAsync(GrainFactory, submission.ClientId, blobId)) is null)
        {
            DeactivateOnIdle();
            throw new BlobNotFoundException($"inputBlobId: blob {blobId} does not exist");
        }

        // Refused before anything is read: a worker reads the whole input into the program's memory.
        var inputBytes = inputBlob?.Size ?? inputDeal?.Length ?? 0;
        if (inputBytes > _options.MaxInputBytes)
        {
            DeactivateOnIdle();
            throw new InvalidRequestException(string.Create(CultureInfo.InvariantCulture,
                $"inputBlobId: {(inputDeal is null ? "the blob" : "the deal's blob")} {submission.InputBlobId} holds {inputBytes} bytes; a job's input is read into its memory, at most {_options.MaxInputBytes} bytes (Marketplace:Jobs:MaxInputBytes)"));
        }

        var maxFuel = MaxFuelOf(submission, program);
        var paid = (await settlements.TermsAsync()).Enabled;
        long maxPrice;
        bool reserved;
        try
        {
            maxPrice = paid ? EscrowPriceOf(submission) : submission.MaxPricePerMillionFuel;
            reserved = await lookups.ClientLists.TryReserveAsync(submission.ClientId, JobId, maxFuel);
        }
        catch (MarketplaceException)
        {
            DeactivateOnIdle();
            throw;
        }

        UInt128 escrowed = 0;
        var escrowPending = false;
        if (paid)
        {
            // Escrow last before the state write, so only that write can fail after it (then it is refunded).
            try
            {
                escrowed = await EscrowAtSubmitAsync(submission.ClientId, SettlementAmounts.ForFuel(maxFuel, maxPrice));
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // The settlement did not answer in time (its silo died and is not declared dead yet, or it is slow):
                // accept the job with its escrow pending. It is escrowed before it is matched; the escrow is keyed by
                // the job, so a first call that landed late is the one taken then, never a second one.
                escrowPending = true;
            }
            catch (Exception e) when (e is MarketplaceException or ChainSettlementUnavailableException)
            {
                // A refusal took nothing. The chain not answering leaves the deposit in the settlement's outbox: a
                // resubmit with the same request id takes it up.
                if (reserved)
                {
                    await lookups.ClientLists.TryReleaseAsync(submission.ClientId, JobId);
                }

                DeactivateOnIdle();
                throw;
            }
        }

        var now = DateTimeOffset.UtcNow;
        state.State = new JobState
        {
            Info = new JobInfo
            {
                JobId = JobId,
                ClientId = submission.ClientId,
                RequestId = string.IsNullOrEmpty(submission.RequestId) ? null : submission.RequestId,
                ProgramId = programId,
                Status = JobStatus.Pending,
                CreatedAt = now,
                MaxRetries = submission.MaxRetries,
                MaxFuel = MaxFuelOf(submission, program),
                MaxMemoryBytes = submission.MaxMemoryBytes > 0 ? submission.MaxMemoryBytes : program?.Manifest.MaxMemoryBytes ?? DefaultMemoryBytes,
                TimeoutMs = submission.TimeoutMs > 0 ? submission.TimeoutMs : program?.Manifest.TimeoutMs ?? DefaultTimeoutMs,
                // The submission crosses in-silo calls by reference ([Immutable]): the job keeps copies of what it
                // stores, so a caller reusing its objects cannot change a submitted job.
                Labels = submission.Labels is { } labels ? new Dictionary<string, string>(labels) : [],
            },
            MaxPricePerMillionFuel = maxPrice,
            Escrowed = escrowed,
            EscrowPending = escrowPending,
            Constraints = submission.Constraints is { } constraints ? new Dictionary<string, string>(constraints) : [],
            TtlMs = submission.TtlMs,
            InputBlobId = submission.InputBlobId,
            InputDealId = inputDeal?.DealId,

            // A deal's content hash was recorded when its bytes were stored: the input hash receipts must carry.
            InputHash = inputDeal is null ? null : Convert.FromHexString(inputDeal.ContentSha256),
            InputInline = submission.InputInline?.ToArray(),
            NextMatchAt = now,
            TraceParent = MarketplaceTelemetry.TraceParentOf(Activity.Current),
            TraceState = Activity.Current?.TraceStateString,
            Args = submission.Args is { } args ? [.. args] : [],
            Env = submission.Env is { } env ? new Dictionary<string, string>(env) : [],
            SubmissionDigest = JobSubmissionDigest.Compute(submission),
            CommitteeSize = submission.CommitteeSize ?? _options.DefaultCommitteeSize,
            CommitteeSampleEvery = submission.CommitteeSize is null ? _options.CommitteeSampleEvery : 1,
            SampleSalt = CommitteeSample.NewSalt(),
        };
        AddLog("info", $"submitted: program {programId}, fuel {Info.MaxFuel}, memory {Info.MaxMemoryBytes} bytes, timeout {Info.TimeoutMs} ms, max retries {Info.MaxRetries}"
            + (submission.TtlMs > 0 ? $", ttl {submission.TtlMs} ms" : "")
            + (program is null ? "; the program is not deployed (attempts fail with MissingDependency until it is)" : "")
            + (paid && !escrowPending ? $"; escrowed {escrowed} (max fuel × {maxPrice} per million fuel)" : "")
            + (escrowPending ? $"; escrow of max fuel × {maxPrice} per million fuel pending: the settlement did not answer within {_options.EscrowAtSubmitWait.TotalMilliseconds:0} ms, the job is escrowed before it is matched" : "")
            + (state.State.CommitteeSize > 0 && state.State.CommitteeSampleEvery > 1
                ? $"; committee of {state.State.CommitteeSize} on 1 in {state.State.CommitteeSampleEvery} runs, sample salt commitment {Convert.ToHexStringLower(CommitteeSample.Commitment(state.State.SampleSalt))}"
                : ""));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = new JobState();
            if (paid)
            {
                // A pending escrow may still land: the refund is refused then (nothing to give back) and a resubmit
                // with the same request id takes the escrow up.
                await RefundAbandonedEscrowAsync();
            }

            // The place this submit reserved goes back at once (else it lapses after the reservation lifetime; so
            // it does when the list is unreachable too, and the write's failure is what the caller hears).
            if (reserved)
            {
                await lookups.ClientLists.TryReleaseAsync(submission.ClientId, JobId);
            }

            throw;
        }

        MarketplaceTelemetry.JobSubmitted();
        if (!reserved)
        {
            AddLog("warn", $"the client's job list did not answer within {ClientListCalls.CallBound.TotalSeconds:0} s (its silo may have died): the job was accepted without its quota check and is listed when the list answers");
        }

        try
        {
            // The watchdog's registration and the job's listing wait for different grains (each may sit on a silo that
            // just died): asked together, a submit waits for the slower one, not for both in turn.
            var watchdog = RegisterWatchdogAtSubmitAsync();
            var listing = lookups.ClientLists.TryAddAsync(Info.ClientId, Summary());
            await Task.WhenAll(watchdog, listing);
            if (!listing.Result && reserved)
            {
                AddLog("warn", "the client's job list did not answer the job's listing: the job is listed when the list answers its end");
            }

            if (!escrowPending)
            {
                // With the escrow pending the submit has waited for the settlement once already: the job's timer
                // takes the escrow up (at once, after this answer), not the submit.
                await StartMatchingAsync();
            }
        }
        finally
        {
            // The job is stored: whatever failed after the write, its timer carries it on (a submit that throws here
            // is retried by the client with its request id and answers the stored job).
            Schedule();
        }

        return Info;
    }

    /// <inheritdoc />
    public Task<JobInfo> GetAsync(string clientId)
    {
        RequireOwner(clientId);
        return Task.FromResult(Info);
    }

    /// <inheritdoc />
    public async Task<JobInfo> CancelAsync(string clientId)
    {
        RequireOwner(clientId);
        if (Terminal)
        {
            throw new JobConflictException($"job {JobId} is already terminal ({MarketplaceJson.EnumName(Info.Status)}); only pending, matching or running jobs can be cancelled");
        }

        if (Info.Status == JobStatus.Running && _attemptId is not null && Info.WorkerId is not null)
        {
            await lookups.Worker(Info.WorkerId).CancelAttemptAsync(JobId, _attemptId);
        }

        if (Verifying)
        {
            await CancelVerificationAsync();
        }

        await FinishAsync(JobStatus.Cancelled, FailureReason.None, "cancelled by the client");
        return Info;
    }

    /// <inheritdoc />
    public Task<JobHistory> GetHistoryAsync(string clientId)
    {
        RequireOwner(clientId);
        var logs = state.State.Logs;
        var hashes = ChainedLogHashes();
        var history = new JobHistory
        {
            JobId = JobId,
            DroppedLines = logs.Count > 1 ? state.State.LogsDropped : 0,
            DroppedLastHash = logs.Count > 1 ? state.State.DroppedLogHash : null,
            Head = hashes.Count > 0 ? hashes[^1] : JobHistoryChain.Genesis(JobId),
        };
        for (var i = 0; i < logs.Count; i++)
        {
            var line = logs[i];
            history.Entries.Add(new JobHistoryEntry
            {
                Sequence = i == 0 ? 0 : i + state.State.LogsDropped,
                Timestamp = line.Timestamp,
                Level = line.Level,
                Message = line.Message,
                Attempt = line.Attempt,
                Hash = hashes[i],
            });
        }

        return Task.FromResult(history);
    }

    /// <inheritdoc />
    /// <remarks>Line i of the stored log has sequence number 0 (the first line, always kept) or i +
    /// <see cref="JobState.LogsDropped"/>, so a line keeps its number while older lines are dropped.</remarks>
    public Task<JobLogPage> GetLogsAsync(string clientId, long? after, int limit)
    {
        RequireOwner(clientId);
        PageLimits.Check(limit);
        var logs = state.State.Logs;
        var dropped = state.State.LogsDropped;
        var start = 0;
        if (after is { } position)
        {
            // The first line numbered above the position; lines dropped since the position are gone.
            var index = position - dropped;
            start = index >= logs.Count - 1 ? logs.Count : (int)Math.Max(1, index + 1);
        }

        var count = Math.Min(limit, logs.Count - start);
        var page = new JobLogPage { Logs = logs.GetRange(start, count) };
        if (start + count < logs.Count)
        {
            var last = start + count - 1;
            page.Next = last == 0 ? 0 : last + dropped;
        }

        return Task.FromResult(page);
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Submitted && Terminal && state.State.SettlementOwed)
        {
            await SettleAsync();
            return;
        }

        if (!Submitted || Terminal)
        {
            await DropWatchdogAsync(force: true);
            if (Submitted)
            {
                await state.WriteStateAsync();
            }

            return;
        }

        Schedule();
    }

    private static bool IsTerminal(JobStatus status) => status >= JobStatus.Completed;

    private void RequireOwner(string clientId)
    {
        if (!Submitted)
        {
            // A read of a job that does not exist must not keep an activation in memory.
            _absent.Schedule(this, () => !Submitted, DeactivateOnIdle);
            throw new JobNotFoundException($"job {JobId} does not exist");
        }

        if (!string.Equals(Info.ClientId, clientId, StringComparison.Ordinal))
        {
            throw new AccessDeniedException($"job {JobId} belongs to another client");
        }
    }

    private JobSummary Summary() => new()
    {
        JobId = Info.JobId,
        RequestId = Info.RequestId,
        ProgramId = Info.ProgramId,
        Status = Info.Status,
        CreatedAt = Info.CreatedAt,
        CompletedAt = Info.CompletedAt,
        MaxFuel = Info.MaxFuel,
        FuelConsumed = Info.FuelConsumed,
    };

    private static long MaxFuelOf(JobSubmission submission, ProgramInfo? program) =>
        submission.MaxFuel > 0 ? submission.MaxFuel : program?.Manifest.MaxFuel ?? DefaultFuel;

    private void AddLog(string level, string message, int attempt = 0) =>
        AddLog(new JobLogEntry { Timestamp = DateTimeOffset.UtcNow, Level = level, Message = message, Attempt = attempt });

    /// <summary>Appends <paramref name="entry"/> (its time kept) to the job's hash-chained log.</summary>
    private void AddLog(JobLogEntry entry)
    {
        var logs = state.State.Logs;
        var hashes = ChainedLogHashes();
        if (logs.Count >= _options.MaxLogEntries)
        {
            state.State.DroppedLogHash = hashes[1];
            logs.RemoveAt(1);
            hashes.RemoveAt(1);
            state.State.LogsDropped++;
        }

        var sequence = logs.Count == 0 ? 0 : logs.Count + state.State.LogsDropped;
        var previous = logs.Count == 0 ? JobHistoryChain.Genesis(JobId) : hashes[^1];
        logs.Add(entry);
        hashes.Add(JobHistoryChain.EntryHash(previous, sequence, entry.Timestamp, entry.Attempt, entry.Level, entry.Message));
    }

    /// <summary>The hashes of the log's lines, chained afresh from the kept lines for a job stored before its lines
    /// were hashed (the lines dropped before then stay unaccounted for).</summary>
    private List<byte[]> ChainedLogHashes()
    {
        var logs = state.State.Logs;
        var hashes = state.State.LogHashes;
        if (hashes.Count == logs.Count)
        {
            return hashes;
        }

        hashes.Clear();
        state.State.DroppedLogHash = null;
        var previous = JobHistoryChain.Genesis(JobId);
        for (var i = 0; i < logs.Count; i++)
        {
            var line = logs[i];
            var sequence = i == 0 ? 0 : i + state.State.LogsDropped;
            if (i == 1 && state.State.LogsDropped > 0)
            {
                // The dropped lines' hashes were never known: the gap chains from a hash of its own numbers.
                state.State.DroppedLogHash = JobHistoryChain.EntryHash(previous, sequence - 1, line.Timestamp, 0, "", "");
                previous = state.State.DroppedLogHash;
            }

            previous = JobHistoryChain.EntryHash(previous, sequence, line.Timestamp, line.Attempt, line.Level, line.Message);
            hashes.Add(previous);
        }

        return hashes;
    }

    private async Task FinishAsync(JobStatus status, FailureReason reason, string? error)
    {
        MoveTo(JobLifecycle.PhaseOf(status, verifying: false));
        Info.FailureReason = reason;
        Info.ErrorMessage = error;
        Info.CompletedAt = DateTimeOffset.UtcNow;
        _attemptId = null;
        MarketplaceTelemetry.JobFinished(status, reason);
        AddLog(status == JobStatus.Completed ? "info" : status == JobStatus.Cancelled ? "warn" : "error", status == JobStatus.Completed
            ? $"completed on worker {Info.WorkerId}: fuel {Info.FuelConsumed}, output {Info.OutputSize} bytes"
            : $"{MarketplaceJson.EnumName(status)}{(reason == FailureReason.None ? "" : $" ({reason})")}: {error}");
        _timer?.Dispose();
        _timer = null;
        state.State.SettlementOwed = (state.State.Escrowed > UInt128.Zero || state.State.EscrowPending) && state.State.Settlement is null;
        var dropWatchdog = !state.State.SettlementOwed;
        await state.WriteStateAsync();
        await SettleAsync();
        try
        {
            await lookups.ReportEndAsync(Info.ClientId, Summary());
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // The job's own state has its end; the client's list reads it from there at its next check.
            AddLog("warn", $"the client's job list did not hear of this end ({e.GetType().Name}); it reads it from the job at its next check");
            await state.WriteStateAsync();
        }

        if (dropWatchdog)
        {
            await DropWatchdogAfterEndAsync();
        }

        RetireWhenIdle();
    }

    /// <summary>Removes the watchdog reminder of a job whose end is stored and told, after the client heard of it: the
    /// removal is off the client's path. The reminder is only a backstop by now; if the removal fails, or this silo
    /// dies first, its next tick finds the job finished and removes it (<see cref="ReceiveReminder"/>).</summary>
    private async Task DropWatchdogAfterEndAsync()
    {
        try
        {
            await DropWatchdogAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Every failure means the same here (the reminder table's own errors are not Orleans exceptions): the
            // row stays until its next tick removes it.
            AddLog("warn", $"the watchdog reminder was not removed at the end ({e.GetType().Name}); its next tick removes it");
        }
    }

    /// <summary>A finished job leaves memory <see cref="JobsOptions.FinishedJobIdle"/> from now; its state stays in
    /// storage for later reads.</summary>
    private void RetireWhenIdle() =>
        this.RegisterGrainTimer(static (grain, _) =>
        {
            grain.DeactivateOnIdle();
            return Task.CompletedTask;
        }, this, new GrainTimerCreationOptions(_options.FinishedJobIdle, Timeout.InfiniteTimeSpan));

    /// <summary>Charges the job a retry and schedules it after the backoff (at once with <paramref name="retryAtOnce"/>:
    /// the attempt was lost with its worker's silo or failed through the cluster, which says nothing about the job), or
    /// finishes it failed when it is not retriable or has no retry left.</summary>
    private async Task RetryOrFinishAsync(FailureReason reason, string error, bool retriable, bool retryAtOnce = false)
    {
        _attemptId = null;
        Info.FailureReason = reason;
        Info.ErrorMessage = error;
        if (retriable && Info.RetryCount < Info.MaxRetries)
        {
            Info.RetryCount++;
            var delay = retryAtOnce ? TimeSpan.Zero : RetryBackoff.Delay(Info.RetryCount, _options.RetryBaseDelay, _options.MaxRetryDelay);
            state.State.NextMatchAt = DateTimeOffset.UtcNow + delay;
            MoveTo(JobPhase.Pending);
            AddLog("warn", $"retry {Info.RetryCount} of {Info.MaxRetries} in {delay.TotalMilliseconds:0} ms after {reason}: {error}");
            await state.WriteStateAsync();
            Schedule();
            return;
        }

        if (retriable && Info.MaxRetries > 0)
        {
            error += $" (no retry left after {Info.RetryCount})";
        }

        await FinishAsync(reason == FailureReason.Timeout ? JobStatus.TimedOut : JobStatus.Failed, reason, error);
    }

    private bool TtlApplies => state.State.TtlMs > 0 && !state.State.Started;

    private DateTimeOffset TtlDeadline => Info.CreatedAt.AddMilliseconds(state.State.TtlMs);

    private Task ExpireAsync()
    {
        var why = $"expired: not started within its ttl of {state.State.TtlMs} ms";
        if (Info.Ineligible.Count > 0)
        {
            why += "; no eligible worker: " + IneligibleText();
        }

        return FinishAsync(JobStatus.Expired, Info.Ineligible.Count > 0 ? FailureReason.NoEligibleWorker : FailureReason.None, why);
    }

    private string IneligibleText()
    {
        var parts = new string[Info.Ineligible.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Info.Ineligible[i].Reason;
        }

        return string.Join("; ", parts);
    }
}
