using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs.Verification;

/// <summary>The committee's seats: draws, requests, answers and replacements.</summary>
internal sealed partial class JobVerificationGrain
{
    /// <summary>Judges <paramref name="report"/>, the answer of pending <paramref name="seat"/>: an agreement or a
    /// dissent that checks counts; anything else replaces the member.</summary>
    private async Task JudgeAsync(CommitteeSeat seat, AttestationReport report)
    {
        var committee = Committee;
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
                Log("warn", $"committee member {seat.WorkerId} excused: the program state the run read is no longer kept, so no worker can re-execute it");
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
                Log("info", $"committee member {seat.WorkerId} ({GrainInterfaces.Json.MarketplaceJson.EnumName(seat.Role)}) agreed with receipt {Convert.ToHexStringLower(agreed)}");
            }
        }
        else if (report.Dissent is { } dissent)
        {
            if (DissentProblem(seat, dissent) is { } problem)
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

                Log("warn", $"committee member {seat.WorkerId} ({GrainInterfaces.Json.MarketplaceJson.EnumName(seat.Role)}) dissented: its run's result {digest} differs from every candidate");
            }
        }
        else
        {
            await ReplaceSeatAsync(seat, SeatStatus.Rejected, "the answer carries neither an agreement nor a dissent");
        }
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

    private void AddSeat(WorkerKeyRegistry registry, string workerId, CommitteeRole role)
    {
        var key = registry.Workers.Find(w => string.Equals(w.WorkerId, workerId, StringComparison.Ordinal))!;
        var seat = new CommitteeSeat
        {
            WorkerId = workerId,
            PublicKey = key.PublicKey,
            Role = role,
            Status = SeatStatus.Pending,
            RequestId = Guid.NewGuid().ToString("N"),
            Deadline = DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(Start.Run.TimeoutMs) + _options.CommitteeDeadlineMargin,
            Unasked = true,
        };
        Committee.Seats.Add(seat);
    }

    /// <summary>Marks <paramref name="seat"/> and draws its replacement (same role, next in draw order).</summary>
    private async Task ReplaceSeatAsync(CommitteeSeat seat, SeatStatus status, string why)
    {
        seat.Status = status;
        seat.Note = why;
        Log(status == SeatStatus.Rejected ? "error" : "warn", $"committee member {seat.WorkerId} {(status == SeatStatus.Rejected ? "rejected" : "unavailable")}: {why}");
        if (status == SeatStatus.Rejected)
        {
            // Work through the lost-attempt path: the member is charged like a worker that sent a bad report.
            await MemberCallAsync(seat, static (worker, job, request) => worker.AttemptLostAsync(job, request), "charging the lost re-execution");
        }

        await DrawAsync(1, seat.Role);
    }

    /// <summary>Seats workers not yet seated, in draw order (<paramref name="first"/>: an order already drawn from
    /// <paramref name="firstRegistry"/>), until <paramref name="count"/> are seated or no candidate is left; returns
    /// how many were seated. Seats are stored unasked: their workers are asked in the verification's next turn
    /// (<see cref="AskUnaskedAsync"/>), and one that refuses is replaced then. Later rounds read the registry again (a
    /// worker may have registered since).</summary>
    private async Task<int> DrawAsync(int count, CommitteeRole role, List<string>? first = null, WorkerKeyRegistry? firstRegistry = null)
    {
        var committee = Committee;
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
                    Log("info", $"drew {GrainInterfaces.Json.MarketplaceJson.EnumName(role)} worker {worker}");
                }
            }

            if (drawn.Count == 0)
            {
                break;
            }

            foreach (var worker in drawn)
            {
                if (registry.Workers.Exists(w => string.Equals(w.WorkerId, worker, StringComparison.Ordinal)))
                {
                    AddSeat(registry, worker, role);
                    accepted++;
                }
            }
        }

        return accepted;
    }

    /// <summary>Once no seat is pending: settles, draws a re-run round, or disputes; true when it moved.</summary>
    private async Task<bool> AdvanceAsync()
    {
        var committee = Committee;
        var moved = false;
        while (Open)
        {
            if (committee.Seats.Exists(s => s.Status == SeatStatus.Pending))
            {
                return moved;
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
                Unverified("no committee member answered with a run of its own");
                return true;
            }

            if (committee.Results.Count == 1)
            {
                await SettleAsync(committee.Results[0]);
                return true;
            }

            if (committee.RerunRounds < _options.MaxRerunRounds)
            {
                committee.RerunRounds++;
                moved = true;
                Log("warn", $"the committee disagrees ({committee.Results.Count} results over {runs} runs): drawing re-run round {committee.RerunRounds}");
                if (await DrawAsync(committee.Size, CommitteeRole.Rerun) > 0)
                {
                    continue;
                }

                Log("warn", "no fresh worker is available for a re-run round");
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
                Dispute($"no result won a strict majority: {committee.Results.Count} distinct results over {runs} runs (largest {counts[best]})");
            }

            return true;
        }

        return moved;
    }

    private CommitteeSeat? PendingSeat(string requestId) =>
        Committee.Seats.Find(s => s.Status == SeatStatus.Pending && string.Equals(s.RequestId, requestId, StringComparison.Ordinal));

    private static CommitteeResult? ResultWithRepresentative(CommitteeRecord committee, byte[] receiptHash) =>
        committee.Results.Find(r => r.Representative.ReceiptHash.AsSpan().SequenceEqual(receiptHash));

    private static CommitteeResult? ResultWithDigest(CommitteeRecord committee, string digest) =>
        committee.Results.Find(r => string.Equals(r.ResultDigest, digest, StringComparison.Ordinal));

    /// <summary><paramref name="publicKey"/>'s signature over <paramref name="message"/> checks: known to the silo
    /// already (<see cref="JobLookups.VerifiedSignatures"/>) or verified now.</summary>
    private bool SignatureValid(byte[] publicKey, byte[] message, byte[] signature) =>
        lookups.VerifiedSignatures.Contains(publicKey, message, signature) || Crypto.Bls.Bls.Verify(publicKey, message, signature);

    /// <summary>Why a member's dissent is not acceptable: checked like an executor's receipt (job, attempt, program,
    /// worker, invocation, input, signature under the member's registered key).</summary>
    private string? DissentProblem(CommitteeSeat seat, SignedExecutionReceipt signed)
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

        if (!string.Equals(r.JobId, JobId, StringComparison.Ordinal) || !string.Equals(r.ProgramId, Start.Run.ProgramId, StringComparison.Ordinal))
        {
            return $"the receipt is for job {r.JobId} program {r.ProgramId}";
        }

        var invocation = r.Abi == ReceiptAbi.Wasi ? Start.WasiInvocationHash : ReceiptInvocation.None;
        if (!invocation.AsSpan().SequenceEqual(r.InvocationHash))
        {
            return "the receipt's invocation hash is not the job's";
        }

        if (!Start.InputHash.AsSpan().SequenceEqual(r.InputHash))
        {
            return "the receipt's input hash is not the SHA-256 of the job's input";
        }

        var check = ReceiptVerifier.VerifySigned(signed, seat.PublicKey);
        return check.IsValid ? null : check.Detail;
    }
}
