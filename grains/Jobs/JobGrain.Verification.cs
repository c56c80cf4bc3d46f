// Design: the job hands its accepted run to its own verification grain (Verification/JobVerificationGrain.cs), which
// draws, asks and judges the committee; the job keeps the lifecycle. It decides whether the run is verified at all
// (committee size, the seeded sample, the program state the run read still kept), moves to verifying and stores that
// before the verification starts, hands on every member's answer and its own timer's ticks, and applies the verdict:
// output, receipt, reputation, payment, stake, then the end. Each call answers with the verification's log lines the
// job has not taken yet, so the job's hash-chained history holds each of them once. A verification whose start was
// lost (its grain's record never stored) is started again from the job's own state, which holds everything it needs.
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.Verification;

namespace Marketplace.Grains.Jobs;

/// <summary>Verification: the hand-over to the job's verification grain and the verdict's effects.</summary>
internal sealed partial class JobGrain
{
    private bool Verifying => Info.Status == JobStatus.Running && (state.State.VerificationOpen || state.State.Committee is { Closed: false });

    /// <summary>When the job next asks its verification where it stands (the earliest member deadline). In memory: a
    /// new activation asks at once.</summary>
    private DateTimeOffset _verificationDue;

    private IJobVerificationGrain Verification => GrainFactory.GetGrain<IJobVerificationGrain>(JobId);

    /// <inheritdoc />
    public Task<AggregatedReceipt?> GetAggregatedReceiptAsync(string clientId)
    {
        RequireOwner(clientId);
        if (!Terminal)
        {
            throw new JobConflictException($"job {JobId} is {GrainInterfaces.Json.MarketplaceJson.EnumName(Info.Status)}; its receipt exists once it has finished");
        }

        return Task.FromResult(state.State.Aggregated ?? state.State.Committee?.Aggregated);
    }

    /// <inheritdoc />
    public async Task ReportAttestationAsync(AttestationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!Verifying)
        {
            AddLog("warn", $"ignored a committee answer from worker {report.WorkerId} for a request that is no longer current");
            return;
        }

        if (state.State.Committee is { Closed: false } stored)
        {
            // Handed over first, so the answer is judged against the committee that asked.
            await ApplyAsync(await RestartVerificationAsync(stored));
            if (!Verifying)
            {
                return;
            }
        }

        var step = await Verification.ReportAsync(report, state.State.VerificationLogsTaken);
        if (step.Unknown)
        {
            AddLog("warn", $"ignored a committee answer from worker {report.WorkerId}: the verification that asked was not stored; it starts again");
            step = await RestartVerificationAsync();
        }

        await ApplyAsync(step);
    }

    /// <inheritdoc />
    public async Task VerificationMovedAsync()
    {
        if (!Submitted || Terminal || !Verifying)
        {
            return;
        }

        try
        {
            await TickVerificationAsync(DateTimeOffset.UtcNow);
        }
        finally
        {
            Schedule();
        }
    }

    /// <summary>Hands the accepted completed run of <paramref name="report"/> to the job's verification; false when the
    /// job completes now, unverified (no committee asked for, not drawn in the sample, no member available, or the
    /// program state the run read no longer kept).</summary>
    private async Task<bool> StartCommitteeAsync(AttemptReport report)
    {
        var size = state.State.CommitteeSize ?? _options.DefaultCommitteeSize;
        var executor = report.Receipt!;
        Info.Verification = new JobVerification { State = VerificationState.Unverified, CommitteeSize = size };
        if (size <= 0)
        {
            Info.Verification.Note = "no committee was asked for (committee_size 0)";
            return false;
        }

        if (!DrawnForCommittee(executor.ReceiptHash))
        {
            Info.Verification.Note = $"not drawn for re-execution: a committee checks 1 in {Info.Verification.SampleEvery} runs, drawn from the receipt hash and the job's sample salt";
            return false;
        }

        if (!await KeepsStateRootInAsync(executor.Receipt))
        {
            Info.Verification.Note = "the program state the run read is no longer kept, so no committee can re-execute it";
            AddLog("warn", "completes unverified: " + Info.Verification.Note);
            return false;
        }

        MoveTo(JobPhase.Verifying);
        state.State.VerificationOpen = true;
        Info.Verification.State = VerificationState.Verifying;
        _attemptId = null; // the executor's attempt is over; a late duplicate report is stale
        await InputHashAsync();
        await state.WriteStateAsync();
        VerificationStep step;
        try
        {
            step = await RestartVerificationAsync();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // Verifying is stored: the executor's report is taken, and the job's timer starts the verification again
            // (a start that never stored anything reads as unknown and starts anew).
            AddLog("warn", $"the verification did not take its start ({e.GetType().Name}); the job asks again in {StepRetryDelay.TotalSeconds:0} s");
            _verificationDue = DateTimeOffset.UtcNow + StepRetryDelay;
            Schedule();
            return true;
        }

        if (step.Verdict is { End: VerificationEnd.NotDrawn } none)
        {
            state.State.VerificationOpen = false;
            Info.Verification.State = VerificationState.Unverified;
            Info.Verification.Note = none.Reason;
            AddLog("warn", "completes unverified: " + none.Reason);
            return false;
        }

        await ApplyAsync(step);
        return true;
    }

    /// <summary>Draws whether the run with <paramref name="receiptHash"/> is re-executed (<see cref="CommitteeSample"/>)
    /// and records the draw, with the salt that recomputes it, in the job's verification.</summary>
    private bool DrawnForCommittee(byte[] receiptHash)
    {
        var verification = Info.Verification ??= new JobVerification();
        var every = Math.Max(1, state.State.CommitteeSampleEvery);
        if (every == 1 || state.State.SampleSalt is not { } salt)
        {
            verification.SampleEvery = 1;
            verification.Sampled = true;
            return true;
        }

        verification.SampleEvery = every;
        verification.SampleSalt = Convert.ToHexStringLower(salt);
        verification.Sampled = CommitteeSample.IsSampled(receiptHash, salt, every);
        return verification.Sampled;
    }

    /// <summary>Whether the program's state still keeps the root the executor's run (<paramref name="executor"/>) read.</summary>
    private Task<bool> KeepsStateRootInAsync(ExecutionReceipt executor) =>
        lookups.ProgramState(executor.ProgramId).KeepsRootAsync(Convert.ToHexStringLower(executor.StateRootIn));

    /// <summary>Starts the verification from the job's own state (again, when its start was lost), taking over
    /// <paramref name="adopt"/>, a committee stored inside the job, when given.</summary>
    private async Task<VerificationStep> RestartVerificationAsync(CommitteeRecord? adopt = null)
    {
        state.State.VerificationLogsTaken = 0;
        var step = await Verification.StartAsync(new VerificationStart
        {
            Executor = state.State.Receipt!,
            OutputBlobId = Info.OutputBlobId,
            OutputSize = Info.OutputSize,
            CommitteeSize = state.State.CommitteeSize ?? _options.DefaultCommitteeSize,
            Run = RunOf("", Math.Max(1, state.State.Attempts)),
            WasiInvocationHash = ReceiptInvocation.Hash(state.State.Args, state.State.Env, Info.CreatedAt),
            InputHash = await InputHashAsync(),
            Adopted = adopt,
        });
        if (adopt is not null)
        {
            state.State.Committee = null;
            state.State.VerificationOpen = true;
        }

        return step;
    }

    /// <summary>The job's timer: members past their deadline are replaced (and a job reactivated reads where its
    /// verification stands).</summary>
    private async Task TickVerificationAsync(DateTimeOffset now)
    {
        var step = state.State.Committee is { Closed: false } stored
            ? await RestartVerificationAsync(stored)
            : await Verification.TickAsync(now, state.State.VerificationLogsTaken);
        if (step.Unknown)
        {
            step = await RestartVerificationAsync();
        }

        await ApplyAsync(step);
    }

    /// <summary>After a silo of the cluster died: members whose silo it was are replaced at once.</summary>
    private async Task ReplaceLostSeatsAsync()
    {
        var step = state.State.Committee is { Closed: false } stored
            ? await RestartVerificationAsync(stored)
            : await Verification.ReplaceLostSeatsAsync(state.State.VerificationLogsTaken);
        if (step.Unknown)
        {
            step = await RestartVerificationAsync();
        }

        await ApplyAsync(step);
    }

    /// <summary>The job was cancelled while verifying: the members' re-executions are cancelled.</summary>
    private async Task CancelVerificationAsync()
    {
        if (state.State.Committee is { Closed: false } stored)
        {
            await RestartVerificationAsync(stored);
        }

        await Verification.CancelAsync();
    }

    /// <summary>Takes the step's log lines and, once there is one, applies the verdict; else waits for the next
    /// deadline.</summary>
    private async Task ApplyAsync(VerificationStep step)
    {
        foreach (var line in step.Logs)
        {
            AddLog(new JobLogEntry { Timestamp = line.Timestamp, Level = line.Level, Message = line.Message });
        }

        state.State.VerificationLogsTaken = step.LogCount;
        if (step.Verdict is { } verdict && Verifying)
        {
            await ConcludeAsync(verdict);
            return;
        }

        _verificationDue = step.Deadline ?? DateTimeOffset.UtcNow;
        Schedule();
    }
}
