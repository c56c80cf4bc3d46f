// Design: the committee is a small state machine of its own grain, one per verified job, stored when its membership
// changes (the draw and every replacement are written before the call answers; members' answers are written only with
// such a change, see ReportAsync): the executor's accepted run is seat 0 and result 0; members are drawn by
// CommitteeDraw from the online workers with registered keys, stored, and asked to re-execute in the grain's own next
// turn (IWorkerGrain.AttestAsync, queued on the member's executor like an attempt; see JobVerificationGrain.Asks.cs);
// each answers later through the job (IJobAttemptGrain.ReportAttestationAsync), which hands the answer on. Every answer
// is checked before it counts (an agreement's signature over the candidate hash with the member's registered key, a
// dissent like an executor's receipt). A member silent past its deadline, refusing or answering with a bad claim is
// replaced by the next worker in draw order. Once no seat is pending: one result -> settle; several -> a round of fresh
// re-run workers given one representative receipt per result, up to MaxRerunRounds, then settle on a strict majority of
// all runs or dispute. The job itself keeps the lifecycle and applies the verdict (reputation, payment, stake): this
// grain only judges.
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Jobs.Verification;

/// <summary>One job's verification (key = job id): the committee's draw, requests, answers and replacements.</summary>
[Orleans.Placement.PreferLocalPlacement]
internal sealed partial class JobVerificationGrain(
    [PersistentState("job-verification")] IPersistentState<JobVerificationState> state,
    JobLookups lookups,
    IOptions<JobsOptions> options) : Grain, IJobVerificationGrain
{
    private readonly JobsOptions _options = options.Value;

    private string JobId => this.GetPrimaryKeyString();

    private VerificationStart Start => state.State.Start!;

    private CommitteeRecord Committee => state.State.Committee;

    private bool Open => state.State.Start is not null && state.State.Verdict is null;

    /// <inheritdoc />
    public async Task<VerificationStep> StartAsync(VerificationStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var started = false;
        try
        {
            var step = await StartOrTakeUpAsync(start);
            started = true;
            return step;
        }
        finally
        {
            if (!started)
            {
                // A start that failed part way (the worker directory's silo died under the draw, the write refused)
                // must not stay in memory: a start with no seats would read as a committee with nothing to judge.
                // The next call reads the record as stored, or none, and the job starts the verification again.
                state.State = new JobVerificationState();
                DeactivateOnIdle();
            }
        }
    }

    private async Task<VerificationStep> StartOrTakeUpAsync(VerificationStart start)
    {
        if (state.State.Start is { } current)
        {
            if (current.Executor.ReceiptHash.AsSpan().SequenceEqual(start.Executor.ReceiptHash))
            {
                ScheduleAsks(TimeSpan.Zero);
                return StepFrom(0);
            }

            if (Open)
            {
                await CancelPendingAsync();
            }

            state.State = new JobVerificationState();
        }

        state.State.Start = start;
        if (start.Adopted is { } adopted)
        {
            state.State.Committee = adopted;
            Log("info", "the committee stored with the job is carried on by the job's verification");
            await AdvanceAsync();
            await state.WriteStateAsync();
            ScheduleAsks(TimeSpan.Zero);
            return StepFrom(0);
        }

        var executor = start.Executor;
        var registry = await lookups.Directory.GetKeyRegistryAsync();
        var candidates = await CandidatesAsync(registry, [executor.Receipt.WorkerId], executor.Receipt.WorkerId);
        var seed = CommitteeDraw.Seed(executor.ReceiptHash);
        var drawn = CommitteeDraw.Draw(seed, candidates, start.CommitteeSize);
        if (drawn.Count == 0)
        {
            // Nothing is stored: the job completes unverified on its own.
            var reason = "no other online worker with a registered key to re-execute the run";
            state.State = new JobVerificationState();
            DeactivateOnIdle();
            return new VerificationStep { Verdict = new VerificationVerdict { End = VerificationEnd.NotDrawn, Reason = reason } };
        }

        var committee = Committee;
        committee.Size = start.CommitteeSize;
        committee.DrawSeed = seed;
        committee.RegistryEpoch = registry.Epoch;
        committee.Candidates = candidates;
        committee.Seats.Add(new CommitteeSeat
        {
            WorkerId = executor.Receipt.WorkerId,
            PublicKey = executor.WorkerPublicKey,
            Role = CommitteeRole.Executor,
            Status = SeatStatus.Executed,
            RequestId = "",
            ResultDigest = Convert.ToHexStringLower(ReceiptCodec.ResultDigest(executor.Receipt)),
            // A batch-signed receipt's signature is over its batch; the executor endorses the receipt hash itself
            // when the committee settles (EndorsementAsync), as a parallel run's worker does.
            SignedHash = executor.SignedMessage(),
            Signature = executor.Signature,
            Receipt = executor,
        });
        committee.Results.Add(new CommitteeResult
        {
            ResultDigest = committee.Seats[0].ResultDigest!,
            Representative = executor,
            OutputBlobId = start.OutputBlobId,
            OutputSize = start.OutputSize,
        });
        Log("info", $"committee of {drawn.Count} (asked {start.CommitteeSize}) drawn from {candidates.Count} candidates at registry epoch {registry.Epoch}: {string.Join(", ", drawn)}");
        await DrawAsync(start.CommitteeSize, CommitteeRole.Committee, drawn, registry);
        await AdvanceAsync();
        await state.WriteStateAsync();
        ScheduleAsks(TimeSpan.Zero);
        return StepFrom(0);
    }

    /// <inheritdoc />
    public async Task<VerificationStep> ReportAsync(AttestationReport report, int logsTaken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (state.State.Start is null)
        {
            return new VerificationStep { Unknown = true };
        }

        var seat = Open ? PendingSeat(report.RequestId) : null;
        var seats = Committee.Seats.Count;
        if (seat is null)
        {
            Log("warn", $"ignored a committee answer from worker {report.WorkerId} for a request that is no longer current");
        }
        else
        {
            await JudgeAsync(seat, report);
            await AdvanceAsync();
        }

        // An answer is kept in memory and reaches the job with this step; it is stored only when it drew new members
        // (their requests must be known to a later activation). An activation lost before the job stored the verdict
        // costs the answers since the last write: those seats are asked again or replaced at their deadline, and no
        // effect is applied twice, since only the job applies the verdict, once, with its end.
        if (Committee.Seats.Count != seats || _unstored)
        {
            await state.WriteStateAsync();
            _unstored = false;
        }

        ScheduleAsks(TimeSpan.Zero);
        return StepFrom(logsTaken);
    }

    /// <inheritdoc />
    public async Task<VerificationStep> TickAsync(DateTimeOffset now, int logsTaken)
    {
        if (state.State.Start is null)
        {
            return new VerificationStep { Unknown = true };
        }

        if (!Open)
        {
            return StepFrom(logsTaken);
        }

        var seats = Committee.Seats;
        var moved = false;
        // Replacing a seat appends its replacement: only the seats there when the tick came are looked at.
        for (int i = 0, count = seats.Count; i < count; i++)
        {
            var seat = seats[i];
            if (seat.Status == SeatStatus.Pending && now >= seat.Deadline)
            {
                if (!seat.Unasked)
                {
                    await MemberCallAsync(seat, static (worker, job, request) => worker.CancelAttemptAsync(job, request), "a cancel");
                }

                await ReplaceSeatAsync(seat, SeatStatus.Unavailable, $"no answer by its deadline ({Start.Run.TimeoutMs} ms timeout + {_options.CommitteeDeadlineMargin.TotalMilliseconds:0} ms margin)");
                moved = true;
            }
        }

        moved |= await AdvanceAsync();
        if (moved || _unstored)
        {
            await state.WriteStateAsync();
            _unstored = false;
        }

        ScheduleAsks(TimeSpan.Zero);
        return StepFrom(logsTaken);
    }

    /// <inheritdoc />
    public async Task<VerificationStep> ReplaceLostSeatsAsync(int logsTaken)
    {
        if (state.State.Start is null)
        {
            return new VerificationStep { Unknown = true };
        }

        if (!Open)
        {
            return StepFrom(logsTaken);
        }

        // Asked all at once, each bounded: the seats there now (a replacement is appended, and asked later).
        var asked = new List<CommitteeSeat>();
        var holds = new List<Task<bool>>();
        foreach (var seat in Committee.Seats)
        {
            if (seat.Status == SeatStatus.Pending && !seat.Unasked)
            {
                asked.Add(seat);
                holds.Add(HoldsAsync(seat));
            }
        }

        await Task.WhenAll(holds);
        var lost = false;
        for (var i = 0; i < asked.Count; i++)
        {
            if (!holds[i].Result && asked[i].Status == SeatStatus.Pending)
            {
                await ReplaceSeatAsync(asked[i], SeatStatus.Unavailable, "its worker no longer holds the re-execution (its silo left the cluster)");
                lost = true;
            }
        }

        if (lost || _unstored)
        {
            await AdvanceAsync();
            await state.WriteStateAsync();
            _unstored = false;
        }

        ScheduleAsks(TimeSpan.Zero);
        return StepFrom(logsTaken);
    }

    /// <inheritdoc />
    public async Task CancelAsync()
    {
        if (Open)
        {
            await CancelPendingAsync();
        }

        await ForgetAsync();
    }

    /// <inheritdoc />
    public async Task ForgetAsync()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        state.State = new JobVerificationState();
        _askTimer?.Dispose();
        _askTimer = null;
        _askQueued = false;
        _unstored = false;
        DeactivateOnIdle();
    }

    /// <summary>The earliest deadline of a pending seat; <paramref name="now"/> when no seat is pending (every member
    /// answered but the committee was not advanced yet): it advances at once.</summary>
    internal static DateTimeOffset CommitteeDeadline(List<CommitteeSeat> seats, DateTimeOffset now)
    {
        var due = DateTimeOffset.MaxValue;
        foreach (var seat in seats)
        {
            if (seat.Status == SeatStatus.Pending && seat.Deadline < due)
            {
                due = seat.Deadline;
            }
        }

        return due == DateTimeOffset.MaxValue ? now : due;
    }

    private VerificationStep StepFrom(int logsTaken)
    {
        var logs = state.State.Logs;
        var from = Math.Clamp(logsTaken, 0, logs.Count);
        return new VerificationStep
        {
            Logs = logs.GetRange(from, logs.Count - from),
            LogCount = logs.Count,
            Deadline = state.State.Verdict is null ? CommitteeDeadline(Committee.Seats, DateTimeOffset.UtcNow) : null,
            Verdict = state.State.Verdict,
        };
    }

    private void Log(string level, string message) =>
        state.State.Logs.Add(new JobLogEntry { Timestamp = DateTimeOffset.UtcNow, Level = level, Message = message });
}
