using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>Matching: announce, collect bids, rank them, assign.</summary>
internal sealed partial class JobGrain
{
    private readonly Dictionary<string, WorkerBid> _bids = new(StringComparer.Ordinal);
    private readonly HashSet<string> _waitingFor = new(StringComparer.Ordinal);
    private int _expected;
    private int _round;
    private DateTimeOffset _windowCloseAt;
    private DateTimeOffset _announcedAt;
    private DateTimeOffset _resumedAt = DateTimeOffset.MinValue;
    private bool _haveEligibleBid;
    private int _busyRounds;
    private int _absentRounds;
    private DateTimeOffset? _absentSince;
    private bool _hasPlace;
    private bool _waitingForPlace;
    private bool _roomOpenedInRound;

    /// <inheritdoc />
    public async Task BidsAsync(WorkerBid[] bids)
    {
        if (Info.Status != JobStatus.Matching || bids is null)
        {
            return;
        }

        var close = false;
        foreach (var bid in bids)
        {
            if (bid is null || bid.Round != _round)
            {
                continue;
            }

            _bids[bid.WorkerId] = bid;
            _haveEligibleBid |= bid.Eligible;
            close |= (_waitingFor.Remove(bid.WorkerId) && _waitingFor.Count == 0)
                || (bid.Eligible && DateTimeOffset.UtcNow >= _windowCloseAt);
        }

        if (close)
        {
            await CloseMatchingAsync();
            Schedule();
        }
    }

    /// <inheritdoc />
    public async Task<bool> RoomAvailableAsync()
    {
        if (Info.Status == JobStatus.Pending && (_busyRounds > 0 || _waitingForPlace))
        {
            await StartMatchingAsync();
            Schedule();
            return true;
        }

        if (Info.Status == JobStatus.Matching)
        {
            // A worker that turned this round's bid away already has room again, before the round closed: if the
            // round finds no room, the job offers itself again at once instead of waiting for a wake already spent.
            _roomOpenedInRound = true;
            return true;
        }

        return false;
    }

    private async Task StartMatchingAsync()
    {
        if (Terminal)
        {
            return;
        }

        if (TtlApplies && DateTimeOffset.UtcNow >= TtlDeadline)
        {
            await ExpireAsync();
            return;
        }

        if (state.State.EscrowPending && !await TakePendingEscrowAsync())
        {
            return;
        }

        if (!_hasPlace && _options.ConcurrentJobLimit(Info.ClientId) != int.MaxValue)
        {
            if (!await lookups.ClientJobs(Info.ClientId).TryStartAsync(JobId))
            {
                WaitForPlace();
                return;
            }

            _hasPlace = true;
            _waitingForPlace = false;
        }

        _round++;
        _roomOpenedInRound = false;
        _bids.Clear();
        _waitingFor.Clear();
        _haveEligibleBid = false;
        MoveTo(JobPhase.Matching);
        _announcedAt = DateTimeOffset.UtcNow;
        _windowCloseAt = _announcedAt + _options.BidWindow;
        try
        {
            await AnnounceAsync();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The worker directory or a worker did not answer (typically: a silo just died and the grains it
            // hosted are not reactivated yet). Left in Matching the job would wait for bids that never come; go back
            // to pending and announce again shortly (a growing delay, at most BusyWaitMax: the grains come back as
            // soon as the silo is declared dead), without charging the job a retry.
            var delay = PendForAbsentWorkers();
            AddLog("warn", string.Create(CultureInfo.InvariantCulture, $"matching round {_round} could not announce the job ({e.GetType().Name}: {e.Message}); announcing again in {delay.TotalMilliseconds:0} ms"));
            Schedule();
            return;
        }

        if (_expected == 0)
        {
            await CloseMatchingAsync();
        }

        Schedule();
    }

    private async Task AnnounceAsync()
    {
        var hosts = await lookups.OnlineHostsAsync();
        foreach (var host in hosts)
        {
            foreach (var id in host.WorkerIds)
            {
                _waitingFor.Add(id);
            }
        }

        _expected = _waitingFor.Count;

        // Each host (the workers of one silo) gets the offer as one one-way grain call and answers for all of its
        // workers at once: delivered at once, where a stream would wait for its pulling agent's next poll.
        var announcement = new JobAnnouncement
        {
            JobId = JobId,
            Round = _round,
            ProgramId = Info.ProgramId,
            Runtime = "wasm",
            MaxFuel = Info.MaxFuel,
            MaxMemoryBytes = Info.MaxMemoryBytes,
            TimeoutMs = Info.TimeoutMs,
            MaxPricePerMillionFuel = state.State.MaxPricePerMillionFuel,
            Constraints = state.State.Constraints,
            ClientId = Info.ClientId,
            SubmittedAt = Info.CreatedAt,
        };
        foreach (var host in hosts)
        {
            await lookups.WorkerHost(host.HostId).OfferJobAsync(announcement, host.WorkerIds);
        }
    }

    /// <summary>One run of the job as a worker gets it: attempt <paramref name="attempt"/>, identified by
    /// <paramref name="attemptId"/>, with the job's program, input, limits, invocation and trace context.</summary>
    private JobAssignment RunOf(string attemptId, int attempt) => new()
    {
        JobId = JobId,
        AttemptId = attemptId,
        Attempt = attempt,
        ProgramId = Info.ProgramId,
        InputBlobId = state.State.InputBlobId,
        InputDealId = state.State.InputDealId,
        InputInline = state.State.InputInline,
        MaxFuel = Info.MaxFuel,
        MaxMemoryBytes = Info.MaxMemoryBytes,
        TimeoutMs = Info.TimeoutMs,
        TraceParent = state.State.TraceParent,
        TraceState = state.State.TraceState,
        Args = state.State.Args,
        Env = state.State.Env,
        CreatedAt = Info.CreatedAt,
        ClientId = Info.ClientId,
    };

    /// <summary>The bid window ended: pick now, or keep waiting for silent online workers while no eligible bid
    /// arrived (up to <see cref="JobsOptions.BidWaitLimit"/> after the announcement).</summary>
    private Task OnBidWindowEndAsync()
    {
        var waitUntil = _announcedAt + _options.BidWaitLimit;
        if (!_haveEligibleBid && _waitingFor.Count > 0 && DateTimeOffset.UtcNow < waitUntil)
        {
            _windowCloseAt = waitUntil;
            return Task.CompletedTask;
        }

        return CloseMatchingAsync();
    }

    private async Task CloseMatchingAsync()
    {
        if (Info.Status != JobStatus.Matching)
        {
            return;
        }

        var eligible = new List<WorkerBid>(_bids.Count);
        var lostOn = new List<WorkerBid>();
        var reasons = new List<WorkerIneligibility>();
        var busy = false;
        var absences = 0; // reasons that say a worker is absent (offline, silent, unreachable) rather than unwilling
        foreach (var bid in _bids.Values)
        {
            if (!bid.Eligible)
            {
                busy |= bid.Busy;
                reasons.Add(new WorkerIneligibility { WorkerId = bid.WorkerId, Reason = bid.DeclineReason ?? $"worker {bid.WorkerId} declined" });
            }
            else if (state.State.LostOn.Contains(bid.WorkerId))
            {
                lostOn.Add(bid);
            }
            else
            {
                eligible.Add(bid);
            }
        }

        if (eligible.Count == 0)
        {
            eligible = lostOn;
        }

        BidScore.Rank(eligible, JobId, _options.ReputationAtPar);
        var minPrice = long.MaxValue;
        foreach (var bid in eligible)
        {
            minPrice = Math.Min(minPrice, bid.PricePerMillionFuel);
        }

        foreach (var bid in eligible)
        {
            var assignment = RunOf(Guid.NewGuid().ToString("N"), state.State.Attempts + 1);
            var matchedAt = DateTimeOffset.UtcNow;
            AssignmentAnswer answer;
            try
            {
                answer = await lookups.Worker(bid.WorkerId).AssignAsync(assignment);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // Its silo is overloaded or just died: absent, not unwilling.
                answer = new AssignmentAnswer { Accepted = false, Reason = $"worker {bid.WorkerId} did not take the assignment: {e.Message}" };
                absences++;
            }

            if (Info.Status != JobStatus.Matching)
            {
                return;
            }

            if (answer.Accepted)
            {
                _busyRounds = 0;
                _absentRounds = 0;
                _absentSince = null;
                state.State.Attempts = assignment.Attempt;
                _attemptId = assignment.AttemptId;
                _leaseExpiresAt = DateTimeOffset.UtcNow + _options.LeaseDuration;
                MoveTo(JobPhase.Running);
                Info.WorkerId = bid.WorkerId;
                Info.MatchedAt = matchedAt;
                Info.StartedAt = null;
                Info.PricePerMillionFuel = bid.PricePerMillionFuel;
                Info.Ineligible.Clear();
                AddLog("info", string.Create(CultureInfo.InvariantCulture, $"attempt {assignment.Attempt} assigned to worker {bid.WorkerId}: price {bid.PricePerMillionFuel}, score {BidScore.Of(bid, minPrice, _options.ReputationAtPar):0.000}; {eligible.Count} bid(s), {reasons.Count} decline(s)"), assignment.Attempt);
                return;
            }

            busy |= answer.Busy;
            reasons.Add(new WorkerIneligibility { WorkerId = bid.WorkerId, Reason = answer.Reason ?? $"worker {bid.WorkerId} refused the assignment" });
        }

        foreach (var id in _waitingFor)
        {
            reasons.Add(new WorkerIneligibility { WorkerId = id, Reason = $"worker {id} did not answer within {(DateTimeOffset.UtcNow - _announcedAt).TotalMilliseconds:0} ms" });
            absences++;
        }

        if (reasons.Count == 0 && _expected == 0 && DateTimeOffset.UtcNow < _resumedAt + _options.ResumeGrace)
        {
            // Reactivated after a restart: the workers' hosts may not have announced themselves again yet (the
            // worker directory, reactivated too, hears every host within one heartbeat), so look again soon.
            var delay = PendForAbsentWorkers();
            if (_absentRounds == 1)
            {
                AddLog("info", string.Create(CultureInfo.InvariantCulture, $"matching round {_round} found no worker online after the job resumed; looking again in {delay.TotalMilliseconds:0} ms, then at most every {_options.BusyWaitMax.TotalMilliseconds:0} ms"));
            }

            Schedule();
            return;
        }

        if (reasons.Count == 0)
        {
            absences += await ExplainNoWorkersAsync(reasons);
        }

        reasons.Sort(static (a, b) => string.CompareOrdinal(a.WorkerId, b.WorkerId));
        Info.Ineligible = reasons;
        if (busy)
        {
            WaitForRoom();
            return;
        }

        if (absences > 0 && absences == reasons.Count && WaitForAbsentWorkers())
        {
            return;
        }

        await RetryOrFinishAsync(FailureReason.NoEligibleWorker, "no eligible worker: " + IneligibleText(), retriable: true);
    }

    /// <summary>A worker that could run the job has no room now (full, or holding this client's share of its queue):
    /// the job waits, pending, and offers itself again after a growing delay, charged no retry; its TTL still
    /// applies.</summary>
    private void WaitForRoom()
    {
        var delay = _roomOpenedInRound ? TimeSpan.Zero : RetryBackoff.Delay(_busyRounds + 1, _options.BusyWaitBase, _options.WokenWaitMax);
        _roomOpenedInRound = false;
        if (_busyRounds == 0)
        {
            AddLog("info", string.Create(CultureInfo.InvariantCulture, $"waiting for room on a worker: {IneligibleText()}"));
        }

        _busyRounds++;
        MoveTo(JobPhase.Pending);
        state.State.NextMatchAt = DateTimeOffset.UtcNow + delay;
        Schedule();
    }

    /// <summary>Every worker that could have bid is absent: offline (a late heartbeat), silent in the bid window, or
    /// unreachable when assigned, as on an overloaded machine or while a dead silo is not yet declared dead. The job
    /// waits, pending, charged no retry, and offers itself again after a growing delay (<see cref="JobsOptions.BusyWaitBase"/>
    /// to <see cref="JobsOptions.BusyWaitMax"/>), for up to <see cref="JobsOptions.AbsentWorkerWait"/> from the first
    /// such round; then it retries or fails as any round without a worker. Its TTL still applies.</summary>
    /// <returns>False once the wait is over.</returns>
    private bool WaitForAbsentWorkers()
    {
        var now = DateTimeOffset.UtcNow;
        _absentSince ??= now;
        if (now - _absentSince.Value >= _options.AbsentWorkerWait)
        {
            AddLog("warn", string.Create(CultureInfo.InvariantCulture, $"workers absent for {(now - _absentSince.Value).TotalSeconds:0.#} s, the longest a job waits for them: {IneligibleText()}"));
            _absentSince = null;
            _absentRounds = 0;
            return false;
        }

        if (_absentRounds == 0)
        {
            AddLog("info", string.Create(CultureInfo.InvariantCulture, $"waiting up to {_options.AbsentWorkerWait.TotalSeconds:0.#} s for absent workers: {IneligibleText()}"));
        }

        PendForAbsentWorkers();
        Schedule();
        return true;
    }

    /// <summary>Back to pending, charged no retry, to look for workers again after this absent round's delay
    /// (<see cref="JobsOptions.BusyWaitBase"/> doubling up to <see cref="JobsOptions.BusyWaitMax"/>); returns it.</summary>
    private TimeSpan PendForAbsentWorkers()
    {
        _absentRounds++;
        var delay = RetryBackoff.Delay(_absentRounds, _options.BusyWaitBase, _options.BusyWaitMax);
        MoveTo(JobPhase.Pending);
        state.State.NextMatchAt = DateTimeOffset.UtcNow + delay;
        return delay;
    }

    /// <summary>The client's concurrent jobs are at its quota: the job waits, pending, until its client's job list
    /// hands it a place (<see cref="RoomAvailableAsync"/>), in submit order; it asks again after
    /// <see cref="JobsOptions.WokenWaitMax"/> in case that word is lost.</summary>
    private void WaitForPlace()
    {
        if (!_waitingForPlace)
        {
            AddLog("info", string.Create(CultureInfo.InvariantCulture, $"waiting: client {Info.ClientId} has {_options.ConcurrentJobLimit(Info.ClientId)} jobs looking for workers or running, its quota"));
        }

        _waitingForPlace = true;
        MoveTo(JobPhase.Pending);
        state.State.NextMatchAt = DateTimeOffset.UtcNow + _options.WokenWaitMax;
        Schedule();
    }

    /// <returns>How many known workers it lists (each absent: offline or silent).</returns>
    private async Task<int> ExplainNoWorkersAsync(List<WorkerIneligibility> reasons)
    {
        // The first workers by id: the reasons stay a bounded part of the job's info.
        var workers = await lookups.Directory.ListAsync(null, PageLimits.Default);
        var now = DateTimeOffset.UtcNow;
        foreach (var worker in workers)
        {
            reasons.Add(new WorkerIneligibility
            {
                WorkerId = worker.WorkerId,
                Reason = worker.Online
                    ? $"worker {worker.WorkerId} did not answer"
                    : string.Create(CultureInfo.InvariantCulture, $"worker {worker.WorkerId} is offline (last heartbeat {(now - worker.LastHeartbeat).TotalSeconds:0.#} s ago)"),
            });
        }

        var listed = reasons.Count;
        if (reasons.Count == 0)
        {
            // A directory reactivated moments ago (its silo died) has not heard every host's heartbeat yet: its workers
            // are absent, not missing, and the job waits for them charged no retry.
            var listening = now - await lookups.Directory.GetListeningSinceAsync();
            if (listening < _options.WorkerOfflineAfter)
            {
                reasons.Add(new WorkerIneligibility
                {
                    WorkerId = "",
                    Reason = string.Create(CultureInfo.InvariantCulture, $"the worker directory has listened for heartbeats for {listening.TotalSeconds:0.#} s only (it moved to another silo) and has heard no worker yet"),
                });
                return 1;
            }

            reasons.Add(new WorkerIneligibility { WorkerId = "", Reason = "no workers are registered" });
        }

        return listed;
    }
}
