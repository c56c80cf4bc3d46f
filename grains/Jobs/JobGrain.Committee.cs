// Design: the committee is a small state machine inside the job's running state, persisted with the job
// (JobState.Committee): the executor's accepted run is seat 0 and result 0; members are drawn by CommitteeDraw from
// the online workers with registered keys and asked to re-execute (IWorkerGrain.AttestAsync, queued on the member's
// executor like an attempt); each answers later with ReportAttestationAsync. Every answer is checked before it counts
// (an agreement's signature over the candidate hash with the member's registered key, a dissent like an executor's
// receipt). A member silent past its deadline, refusing or answering with a bad claim is replaced by the next worker
// in draw order. Once no seat is pending: one result → settle; several → a round of fresh re-run workers given one
// representative receipt per result, up to MaxRerunRounds, then settle on a strict majority of all runs or fail as
// disputed. Settling aggregates the BLS signatures over the winning representative's receipt hash.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>Committee re-execution: draw, requests, answers, replacement and settling.</summary>
internal sealed partial class JobGrain
{
    private bool Verifying => Info.Status == JobStatus.Running && state.State.Committee is { Closed: false };

    /// <inheritdoc />
    public Task<AggregatedReceipt?> GetAggregatedReceiptAsync(string clientId)
    {
        RequireOwner(clientId);
        if (!Terminal)
        {
            throw new JobConflictException($"job {JobId} is {GrainInterfaces.Json.MarketplaceJson.EnumName(Info.Status)}; its receipt exists once it has finished");
        }

        return Task.FromResult(state.State.Committee?.Aggregated);
    }

    /// <inheritdoc />
    public async Task ReportAttestationAsync(AttestationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var seat = Verifying ? PendingSeat(report.RequestId) : null;
        if (seat is null)
        {
            AddLog("warn", $"ignored a committee answer from worker {report.WorkerId} for a request that is no longer current");
            return;
        }

        var committee = state.State.Committee!;
        if (!string.Equals(report.WorkerId, seat.WorkerId, StringComparison.Ordinal))
        {
            await ReplaceSeatAsync(seat, SeatStatus.Rejected, $"the answer names worker '{report.WorkerId}', the request went to '{seat.WorkerId}'");
        }
        else if (report.Unable is { } unable)
        {
            if (report.StateUnavailable && !await KeepsStateRootInAsync(committee.Seats[0].Receipt!.Receipt))
            {
                seat.Status = SeatStatus.Excused;
                seat.Note = $"could not re-execute: {unable}";
                AddLog("warn", $"committee member {seat.WorkerId} excused: the program state the run read is no longer kept, so no worker can re-execute it");
            }
            else
            {
                await ReplaceSeatAsync(seat, SeatStatus.Unavailable, $"could not re-execute: {unable}");
            }
        }
        else if (report.AgreedReceiptHash is { } agreed)
        {
            var result = ResultWithRepresentative(committee, agreed);
            if (result is null)
            {
                await ReplaceSeatAsync(seat, SeatStatus.Rejected, $"agreed with receipt {Convert.ToHexStringLower(agreed)}, which is none of the candidates");
            }
            else if (report.Signature is not { } signature || !SignatureValid(seat.PublicKey, agreed, signature))
            {
                await ReplaceSeatAsync(seat, SeatStatus.Rejected, $"its agreement signature does not verify over candidate receipt {Convert.ToHexStringLower(agreed)} under its registered key");
            }
            else
            {
                seat.Status = SeatStatus.Agreed;
                seat.ResultDigest = result.ResultDigest;
                seat.SignedHash = agreed;
                seat.Signature = signature;
                AddLog("info", $"committee member {seat.WorkerId} ({GrainInterfaces.Json.MarketplaceJson.EnumName(seat.Role)}) agreed with receipt {Convert.ToHexStringLower(agreed)}");
            }
        }
        else if (report.Dissent is { } dissent)
        {
            if (await DissentProblemAsync(seat, dissent) is { } problem)
            {
                await ReplaceSeatAsync(seat, SeatStatus.Rejected, $"its dissent does not check: {problem}");
            }
            else
            {
                var digest = Convert.ToHexStringLower(ReceiptCodec.ResultDigest(dissent.Receipt));
                seat.Status = SeatStatus.Dissented;
                seat.ResultDigest = digest;
                seat.SignedHash = dissent.ReceiptHash;
                seat.Signature = dissent.Signature;
                seat.Receipt = dissent;
                if (ResultWithDigest(committee, digest) is null)
                {
                    committee.Results.Add(new CommitteeResult
                    {
                        ResultDigest = digest,
                        Representative = dissent,
                        OutputBlobId = report.OutputBlobId,
                        OutputSize = report.OutputSize,
                    });
                }

                AddLog("warn", $"committee member {seat.WorkerId} ({GrainInterfaces.Json.MarketplaceJson.EnumName(seat.Role)}) dissented: its run's result {digest} differs from every candidate");
            }
        }
        else
        {
            await ReplaceSeatAsync(seat, SeatStatus.Rejected, "the answer carries neither an agreement nor a dissent");
        }

        await AdvanceCommitteeAsync();
    }

    /// <summary>Draws the committee for the accepted completed run of <paramref name="report"/>; false when the job
    /// completes now, unverified (no committee asked for, none available, or a run that changed program state).</summary>
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

        var registry = await lookups.Directory.GetKeyRegistryAsync();
        var candidates = await CandidatesAsync(registry, [executor.Receipt.WorkerId], executor.Receipt.WorkerId);
        var seed = CommitteeDraw.Seed(executor.ReceiptHash);
        var drawn = CommitteeDraw.Draw(seed, candidates, size);
        if (drawn.Count == 0)
        {
            Info.Verification.Note = "no other online worker with a registered key to re-execute the run";
            AddLog("warn", "completes unverified: " + Info.Verification.Note);
            return false;
        }

        var committee = new CommitteeRecord
        {
            Size = size,
            DrawSeed = seed,
            RegistryEpoch = registry.Epoch,
            Candidates = candidates,
        };
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
            OutputBlobId = report.OutputBlobId,
            OutputSize = report.OutputSize,
        });
        MoveTo(JobPhase.Verifying);
        state.State.Committee = committee;
        Info.Verification.State = VerificationState.Verifying;
        _attemptId = null; // the executor's attempt is over; a late duplicate report is stale
        AddLog("info", $"committee of {drawn.Count} (asked {size}) drawn from {candidates.Count} candidates at registry epoch {registry.Epoch}: {string.Join(", ", drawn)}");
        await DrawAsync(size, CommitteeRole.Committee, drawn, registry);
        await state.WriteStateAsync();
        await AdvanceCommitteeAsync();
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

    /// <summary>Online workers with a registered key, other than <paramref name="exclude"/>, on another host than the
    /// executor's when there is any (<see cref="CommitteeCandidates"/>). The online list is the silo's cached one, as
    /// matching reads it (at most <see cref="JobsOptions.OnlineWorkersCacheAge"/> old): a member that went offline since
    /// does not answer and is replaced.</summary>
    private async Task<List<string>> CandidatesAsync(WorkerKeyRegistry registry, IReadOnlyCollection<string> exclude, string executorId) =>
        CommitteeCandidates.Select(registry, await lookups.OnlineHostsAsync(), exclude, executorId);

    private CommitteeSeat AddSeat(CommitteeRecord committee, WorkerKeyRegistry registry, string workerId, CommitteeRole role)
    {
        var key = registry.Workers.Find(w => string.Equals(w.WorkerId, workerId, StringComparison.Ordinal))!;
        var seat = new CommitteeSeat
        {
            WorkerId = workerId,
            PublicKey = key.PublicKey,
            Role = role,
            Status = SeatStatus.Pending,
            RequestId = Guid.NewGuid().ToString("N"),
            Deadline = DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(Info.TimeoutMs) + _options.CommitteeDeadlineMargin,
        };
        committee.Seats.Add(seat);
        return seat;
    }

    /// <summary>Queues the re-execution on the seat's worker; false (the seat unavailable) when refused.</summary>
    private async Task<bool> AskAsync(CommitteeSeat seat)
    {
        var committee = state.State.Committee!;
        var candidates = new List<SignedExecutionReceipt>(committee.Results.Count);
        foreach (var result in committee.Results)
        {
            candidates.Add(result.Representative);
        }

        var run = RunOf(seat.RequestId, Math.Max(1, state.State.Attempts));
        run.StateRoot = Convert.ToHexStringLower(committee.Seats[0].Receipt!.Receipt.StateRootIn);
        var request = new AttestationRequest { Run = run, Candidates = candidates };
        string? refused;
        try
        {
            var answer = await lookups.Worker(seat.WorkerId).AttestAsync(request);
            refused = answer.Accepted ? null : answer.Reason ?? "refused";
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            refused = e.Message;
        }

        if (refused is not null)
        {
            seat.Status = SeatStatus.Unavailable;
            seat.Note = "refused the re-execution: " + refused;
            AddLog("warn", $"committee member {seat.WorkerId} is unavailable: {seat.Note}");
            return false;
        }

        return true;
    }

    /// <summary>Marks <paramref name="seat"/> and draws its replacement (same role, next in draw order).</summary>
    private async Task ReplaceSeatAsync(CommitteeSeat seat, SeatStatus status, string why)
    {
        seat.Status = status;
        seat.Note = why;
        AddLog(status == SeatStatus.Rejected ? "error" : "warn", $"committee member {seat.WorkerId} {(status == SeatStatus.Rejected ? "rejected" : "unavailable")}: {why}");
        if (status == SeatStatus.Rejected)
        {
            // Work through the lost-attempt path: the member is charged like a worker that sent a bad report.
            await lookups.Worker(seat.WorkerId).AttemptLostAsync(JobId, seat.RequestId);
        }

        await DrawAsync(1, seat.Role);
    }

    /// <summary>Seats and asks workers not yet seated, in draw order (<paramref name="first"/>: an order already
    /// drawn from <paramref name="firstRegistry"/>), until <paramref name="count"/> accepted or no candidate is left;
    /// returns how many accepted. Later rounds read the registry again (a worker may have registered since).</summary>
    private async Task<int> DrawAsync(int count, CommitteeRole role, List<string>? first = null, WorkerKeyRegistry? firstRegistry = null)
    {
        var committee = state.State.Committee!;
        var accepted = 0;
        while (accepted < count)
        {
            var registry = firstRegistry ?? await lookups.Directory.GetKeyRegistryAsync();
            firstRegistry = null;
            var drawn = first;
            first = null;
            if (drawn is null)
            {
                var seated = new HashSet<string>(StringComparer.Ordinal);
                foreach (var s in committee.Seats)
                {
                    seated.Add(s.WorkerId);
                }

                var candidates = await CandidatesAsync(registry, seated, committee.Seats[0].WorkerId);
                drawn = CommitteeDraw.Draw(committee.DrawSeed, candidates, count - accepted);
                foreach (var worker in drawn)
                {
                    AddLog("info", $"drew {GrainInterfaces.Json.MarketplaceJson.EnumName(role)} worker {worker}");
                }
            }

            if (drawn.Count == 0)
            {
                break;
            }

            foreach (var worker in drawn)
            {
                if (registry.Workers.Exists(w => string.Equals(w.WorkerId, worker, StringComparison.Ordinal))
                    && await AskAsync(AddSeat(committee, registry, worker, role)))
                {
                    accepted++;
                }
            }
        }

        return accepted;
    }

    /// <summary>Replaces seats whose deadline passed.</summary>
    private async Task OnCommitteeDeadlineAsync(DateTimeOffset now)
    {
        var seats = state.State.Committee!.Seats;
        for (var i = 0; i < seats.Count; i++)
        {
            var seat = seats[i];
            if (seat.Status == SeatStatus.Pending && now >= seat.Deadline)
            {
                await lookups.Worker(seat.WorkerId).CancelAttemptAsync(JobId, seat.RequestId);
                await ReplaceSeatAsync(seat, SeatStatus.Unavailable, $"no answer by its deadline ({Info.TimeoutMs} ms timeout + {_options.CommitteeDeadlineMargin.TotalMilliseconds:0} ms margin)");
            }
        }

        await AdvanceCommitteeAsync();
    }

    /// <summary>The earliest deadline of a pending seat; <paramref name="now"/> when no seat is pending (every member
    /// answered but the committee was not advanced yet, as when the job's silo died in between): it advances at
    /// once.</summary>
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

    /// <summary>Once no seat is pending: settles, draws a re-run round, or fails the job as disputed.</summary>
    private async Task AdvanceCommitteeAsync()
    {
        var committee = state.State.Committee!;
        while (!committee.Closed && Verifying)
        {
            if (committee.Seats.Exists(s => s.Status == SeatStatus.Pending))
            {
                Schedule();
                return;
            }

            var runs = 0;
            var counts = new int[committee.Results.Count];
            foreach (var seat in committee.Seats)
            {
                if (seat.ResultDigest is { } digest)
                {
                    runs++;
                    counts[committee.Results.FindIndex(r => r.ResultDigest == digest)]++;
                }
            }

            if (runs == 1)
            {
                await CompleteUnverifiedAsync("no committee member answered with a run of its own");
                return;
            }

            if (committee.Results.Count == 1)
            {
                await SettleAsync(committee.Results[0]);
                return;
            }

            if (committee.RerunRounds < _options.MaxRerunRounds)
            {
                committee.RerunRounds++;
                AddLog("warn", $"the committee disagrees ({committee.Results.Count} results over {runs} runs): drawing re-run round {committee.RerunRounds}");
                if (await DrawAsync(committee.Size, CommitteeRole.Rerun) > 0)
                {
                    continue;
                }

                AddLog("warn", "no fresh worker is available for a re-run round");
                committee.RerunRounds = _options.MaxRerunRounds;
            }

            var best = 0;
            for (var i = 1; i < counts.Length; i++)
            {
                if (counts[i] > counts[best])
                {
                    best = i;
                }
            }

            if (counts[best] * 2 > runs)
            {
                await SettleAsync(committee.Results[best]);
            }
            else
            {
                await DisputeAsync($"no result won a strict majority: {committee.Results.Count} distinct results over {runs} runs (largest {counts[best]})");
            }

            return;
        }
    }

    private CommitteeSeat? PendingSeat(string requestId) =>
        state.State.Committee?.Seats.Find(s => s.Status == SeatStatus.Pending && string.Equals(s.RequestId, requestId, StringComparison.Ordinal));

    private static CommitteeResult? ResultWithRepresentative(CommitteeRecord committee, byte[] receiptHash) =>
        committee.Results.Find(r => r.Representative.ReceiptHash.AsSpan().SequenceEqual(receiptHash));

    private static CommitteeResult? ResultWithDigest(CommitteeRecord committee, string digest) =>
        committee.Results.Find(r => string.Equals(r.ResultDigest, digest, StringComparison.Ordinal));

    /// <summary>Why a member's dissent is not acceptable: checked like an executor's receipt (job, attempt, program,
    /// worker, invocation, input, signature under the member's registered key).</summary>
    private async Task<string?> DissentProblemAsync(CommitteeSeat seat, SignedExecutionReceipt signed)
    {
        var r = signed.Receipt;
        if (r is null)
        {
            return "the receipt is empty";
        }

        if (!string.Equals(r.WorkerId, seat.WorkerId, StringComparison.Ordinal))
        {
            return $"the receipt names worker '{r.WorkerId}'";
        }

        if (!string.Equals(r.JobId, JobId, StringComparison.Ordinal) || !string.Equals(r.ProgramId, Info.ProgramId, StringComparison.Ordinal))
        {
            return $"the receipt is for job {r.JobId} program {r.ProgramId}";
        }

        var invocation = r.Abi == ReceiptAbi.Wasi ? ReceiptInvocation.Hash(state.State.Args, state.State.Env, Info.CreatedAt) : ReceiptInvocation.None;
        if (!invocation.AsSpan().SequenceEqual(r.InvocationHash))
        {
            return "the receipt's invocation hash is not the job's";
        }

        if (!(await InputHashAsync()).AsSpan().SequenceEqual(r.InputHash))
        {
            return "the receipt's input hash is not the SHA-256 of the job's input";
        }

        var check = ReceiptVerifier.VerifySigned(signed, seat.PublicKey);
        return check.IsValid ? null : check.Detail;
    }
}
