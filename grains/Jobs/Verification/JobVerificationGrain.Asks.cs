// Design: no call that moves the verification waits on a member's silo. A draw stores its seats unasked and answers;
// the asks run afterwards in a turn of the verification's own (a one-way message to itself), all of a round at once,
// each bounded by CommitteeMemberCallTimeout, so a member on a host that died and is not declared dead yet costs one
// bounded turn, not the job's 30 s response timeout. A member that refuses or cannot be reached is replaced, and its
// replacement is asked in the next turn. Cancels, lost-attempt charges and "do you still hold it" questions are
// bounded the same way. A verdict reached in an ask turn is stored first, then the job is told with a one-way message
// and reads it as it reads any step. A stored seat still unasked (the activation died between the draw and the ask)
// is asked after the next call that reaches the verification; a worker given the same request twice keeps one copy.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs.Verification;

/// <summary>Asking the drawn members, and every other call to a member, bounded.</summary>
internal sealed partial class JobVerificationGrain
{
    /// <summary>How long after a turn that could not store its changes the asks' turn is tried again.</summary>
    private static readonly TimeSpan AskRetryDelay = TimeSpan.FromSeconds(1);

    private IGrainTimer? _askTimer;

    /// <summary>True while an asks' turn is on its way (a message to itself, or the retry timer).</summary>
    private bool _askQueued;

    /// <summary>True while the state in memory holds a change the asks' turn made and could not store yet.</summary>
    private bool _unstored;

    private bool HasUnasked => Committee.Seats.Exists(static s => s.Status == SeatStatus.Pending && s.Unasked);

    /// <summary>Queues the asks' turn when a seat waits to be asked (or a change waits to be stored): at once as a
    /// one-way message to itself, which runs after the current turn, or after <paramref name="delay"/> on a timer.</summary>
    private void ScheduleAsks(TimeSpan delay)
    {
        if (_askQueued || !Open || (!HasUnasked && !_unstored))
        {
            return;
        }

        _askQueued = true;
        if (delay <= TimeSpan.Zero)
        {
            this.AsReference<IJobVerificationGrain>().AskMembersAsync().Ignore();
            return;
        }

        _askTimer = this.RegisterGrainTimer(_ => AskMembersAsync(), new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <inheritdoc />
    public async Task AskMembersAsync()
    {
        _askTimer?.Dispose();
        _askTimer = null;
        _askQueued = false;
        if (!Open)
        {
            return;
        }

        var stored = false;
        try
        {
            // Only a refusal changes what is stored: seats asked and accepted stay stored as unasked until the next
            // write, and are asked once more only if this activation is lost before it (the worker keeps one copy).
            if (await AskUnaskedAsync() || _unstored)
            {
                _unstored = true;
                await AdvanceAsync();
                await state.WriteStateAsync();
                _unstored = false;
            }

            stored = true;
        }
        finally
        {
            ScheduleAsks(stored ? TimeSpan.Zero : AskRetryDelay);
        }

        if (state.State.Verdict is not null)
        {
            // One-way: the job reads the verdict with its next call here, never while this turn waits for it.
            await GrainFactory.GetGrain<IVerifyingJobGrain>(JobId).VerificationMovedAsync();
        }
    }

    /// <summary>Asks every seat stored unasked, all at once, each bounded; seats whose worker refused or could not be
    /// reached are marked unavailable and replaced (the replacements are asked in the next turn). True when a seat
    /// was refused.</summary>
    private async Task<bool> AskUnaskedAsync()
    {
        var seats = Committee.Seats;
        var asked = new List<CommitteeSeat>();
        foreach (var seat in seats)
        {
            if (seat.Status == SeatStatus.Pending && seat.Unasked)
            {
                asked.Add(seat);
            }
        }

        if (asked.Count == 0)
        {
            return false;
        }

        var answers = new Task<string?>[asked.Count];
        for (var i = 0; i < asked.Count; i++)
        {
            answers[i] = AskAsync(asked[i]);
        }

        await Task.WhenAll(answers);
        var refusedAny = false;
        for (var i = 0; i < asked.Count; i++)
        {
            var seat = asked[i];
            seat.Unasked = false;
            if (answers[i].Result is { } refused)
            {
                seat.Status = SeatStatus.Unavailable;
                seat.Note = "refused the re-execution: " + refused;
                Log("warn", $"committee member {seat.WorkerId} is unavailable: {seat.Note}");
                await DrawAsync(1, seat.Role);
                refusedAny = true;
            }
        }

        return refusedAny;
    }

    /// <summary>Queues the re-execution on the seat's worker; why not, when it refused or could not be reached in
    /// time.</summary>
    private async Task<string?> AskAsync(CommitteeSeat seat)
    {
        var committee = Committee;
        var candidates = new List<SignedExecutionReceipt>(committee.Results.Count);
        foreach (var result in committee.Results)
        {
            candidates.Add(result.Representative);
        }

        var run = Start.Run.ForAttempt(seat.RequestId, Convert.ToHexStringLower(committee.Seats[0].Receipt!.Receipt.StateRootIn));
        var request = new AttestationRequest { Run = run, Candidates = candidates };
        try
        {
            var answer = await lookups.Worker(seat.WorkerId).AttestAsync(request).WaitAsync(_options.CommitteeMemberCallTimeout);
            return answer.Accepted ? null : answer.Reason ?? "refused";
        }
        catch (TimeoutException)
        {
            return $"its silo did not take the request within {_options.CommitteeMemberCallTimeout.TotalSeconds:0.#} s";
        }
        catch (OrleansException e)
        {
            return e.Message;
        }
    }

    /// <summary>Tells the seat's worker something it may not hear (a cancel, a charge), bounded; a member that cannot
    /// be reached is logged and left to its deadline or its silo's death.</summary>
    private async Task MemberCallAsync(CommitteeSeat seat, Func<IWorkerGrain, string, string, Task> call, string what)
    {
        try
        {
            await call(lookups.Worker(seat.WorkerId), JobId, seat.RequestId).WaitAsync(_options.CommitteeMemberCallTimeout);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            Log("warn", $"committee member {seat.WorkerId} could not be reached for {what}: {e.GetType().Name}");
        }
    }

    /// <summary>Whether the seat's worker still holds its re-execution; unreachable in time counts as no.</summary>
    private async Task<bool> HoldsAsync(CommitteeSeat seat)
    {
        try
        {
            return await lookups.Worker(seat.WorkerId).HoldsAsync(JobId, seat.RequestId).WaitAsync(_options.CommitteeMemberCallTimeout);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return false; // Unreachable counts as lost: the deadline would find the same a little later.
        }
    }

    /// <summary>Cancels every pending seat's re-execution that was asked for, all at once.</summary>
    private async Task CancelPendingAsync()
    {
        var cancels = new List<Task>();
        foreach (var seat in Committee.Seats)
        {
            if (seat.Status == SeatStatus.Pending && !seat.Unasked)
            {
                cancels.Add(MemberCallAsync(seat, static (worker, job, request) => worker.CancelAttemptAsync(job, request), "a cancel"));
            }
        }

        await Task.WhenAll(cancels);
    }
}
