// Design: settling turns the committee's checked answers into one aggregated receipt. The members listed are every
// seat that ran the job (executor first, then the committee and the re-run workers in the order drawn); the signers
// are the winners whose signature is over the winning representative's receipt hash. A winner that signed another
// receipt of the same result (a parallel dissenter) is asked to endorse the representative, which the worker does
// only when the digest it recorded from its own run matches; its endorsement is verified like any agreement.
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>Committee settling: the aggregated receipt, the evidence against losers, disputes.</summary>
internal sealed partial class JobGrain
{
    /// <summary>Completes the job on <paramref name="winner"/>: builds and keeps the aggregated receipt, records losers'
    /// claims as evidence, switches the output to the winners' when the executor lost.</summary>
    private async Task SettleAsync(CommitteeResult winner)
    {
        var committee = state.State.Committee!;
        var representative = winner.Representative;
        var hash = representative.ReceiptHash;
        var members = RanSeats(committee);
        var signatures = new List<Signature>(members.Count);
        var bitmap = new byte[(members.Count + 7) / 8];
        var listed = new List<CommitteeMember>(members.Count);
        var signers = new List<string>();
        var winners = new List<string>();
        var losers = new List<string>();
        for (var i = 0; i < members.Count; i++)
        {
            var seat = members[i];
            listed.Add(new CommitteeMember { WorkerId = seat.WorkerId, PublicKey = seat.PublicKey, Role = seat.Role });
            if (!string.Equals(seat.ResultDigest, winner.ResultDigest, StringComparison.Ordinal))
            {
                losers.Add(seat.WorkerId);
                committee.Evidence.Add(new CommitteeEvidence
                {
                    WorkerId = seat.WorkerId,
                    Role = seat.Role,
                    ResultDigest = seat.ResultDigest!,
                    Receipt = seat.Receipt,
                    SignedHash = seat.SignedHash,
                    Signature = seat.Signature,
                    SettledReceiptHash = hash,
                });
                continue;
            }

            winners.Add(seat.WorkerId);
            var signature = seat.SignedHash is { } signed && signed.AsSpan().SequenceEqual(hash) ? seat.Signature : await EndorsementAsync(seat, representative);
            if (signature is not null && Signature.TryFromBytes(signature, out var parsed) && parsed is not null)
            {
                signatures.Add(parsed);
                bitmap[i / 8] |= (byte)(1 << (i % 8));
                signers.Add(seat.WorkerId);
            }
        }

        var threshold = (members.Count / 2) + 1;
        if (signers.Count < threshold)
        {
            await DisputeAsync($"only {signers.Count} of {members.Count} runs signed the winning receipt {Convert.ToHexStringLower(hash)}, {threshold} needed");
            return;
        }

        committee.Aggregated = new AggregatedReceipt
        {
            Receipt = representative.Receipt,
            ReceiptHash = hash,
            Members = listed,
            SignerBitmap = bitmap,
            AggregateSignature = Bls.Aggregate(signatures).ToBytes(),
            Threshold = threshold,
            RegistryEpoch = committee.RegistryEpoch,
            DrawSeed = committee.DrawSeed,
        };
        committee.Closed = true;
        if (!ReferenceEquals(winner, committee.Results[0]))
        {
            AddLog("warn", $"the executor's result lost: the job's output is now that of worker {representative.Receipt.WorkerId}'s result");
            Info.OutputBlobId = winner.OutputBlobId;
            Info.OutputSize = winner.OutputSize;
            Info.FuelConsumed = representative.Receipt.FuelConsumed;
        }

        state.State.Receipt = representative;
        Info.ReceiptHash = Convert.ToHexStringLower(hash);
        var unavailable = UnavailableSeats(committee);

        // The committee size asked for means that many runs beside the settled receipt's own agree with it; fewer is
        // verified by a smaller committee, and says so.
        var agreeing = signers.Count - 1;
        var shortNote = agreeing < committee.Size
            ? $"short of its committee: {agreeing} of the {committee.Size} re-executions asked for agree with the settled receipt"
                + (unavailable.Count > 0 ? $" ({unavailable.Count} unavailable: {string.Join(", ", unavailable)})" : "")
            : null;
        Info.Verification = WithSampleDraw(new JobVerification
        {
            State = VerificationState.Verified,
            CommitteeSize = committee.Size,
            Signers = signers,
            DistinctResults = committee.Results.Count,
            Unavailable = unavailable,
            Losers = losers,
            Short = shortNote is not null,
            Note = shortNote,
        });
        if (shortNote is not null)
        {
            AddLog("warn", shortNote);
        }

        AddLog("info", $"the committee settled: {signers.Count} of {members.Count} runs signed receipt {Convert.ToHexStringLower(hash)} ({string.Join(", ", signers)})"
            + (losers.Count > 0 ? $"; losers kept as evidence: {string.Join(", ", losers)}" : ""));
        await OnCommitteeSettledAsync(new CommitteeOutcome(Settled: true, winners, losers, unavailable));
        await FinishAsync(JobStatus.Completed, FailureReason.None, null);
    }

    /// <summary>Carries the run's sample draw (rate, outcome, salt) over to the verification that replaces the
    /// one the draw was recorded in.</summary>
    private JobVerification WithSampleDraw(JobVerification next)
    {
        if (Info.Verification is { } drawn)
        {
            next.SampleEvery = drawn.SampleEvery;
            next.Sampled = drawn.Sampled;
            next.SampleSalt = drawn.SampleSalt;
        }

        return next;
    }

    /// <summary>Fails the job: the runs disagree and no result has the majority it needs.</summary>
    private async Task DisputeAsync(string why)
    {
        var committee = state.State.Committee!;
        committee.Closed = true;
        var ran = new List<string>();
        foreach (var seat in RanSeats(committee))
        {
            ran.Add(seat.WorkerId);
        }

        var unavailable = UnavailableSeats(committee);
        Info.Verification = WithSampleDraw(new JobVerification
        {
            State = VerificationState.Disputed,
            CommitteeSize = committee.Size,
            DistinctResults = committee.Results.Count,
            Unavailable = unavailable,
            Note = why,
        });
        Info.OutputBlobId = null;
        Info.OutputSize = 0;
        await OnCommitteeSettledAsync(new CommitteeOutcome(Settled: false, [], ran, unavailable));
        await FinishAsync(JobStatus.Failed, FailureReason.Disputed, "disputed: " + why);
    }

    /// <summary>Completes the job on the executor's run alone (no member could re-execute it).</summary>
    private async Task CompleteUnverifiedAsync(string why)
    {
        var committee = state.State.Committee!;
        committee.Closed = true;
        Info.Verification = WithSampleDraw(new JobVerification
        {
            State = VerificationState.Unverified,
            CommitteeSize = committee.Size,
            DistinctResults = 1,
            Unavailable = UnavailableSeats(committee),
            Note = why,
        });
        AddLog("warn", "completes unverified: " + why);
        await RecordExecutorSuccessAsync(Info.WorkerId ?? "", Info.ReceiptHash);
        await FinishAsync(JobStatus.Completed, FailureReason.None, null);
    }

    /// <summary>
    /// The one place the job tells the rest of the marketplace how its committee ended: called once, when the
    /// committee settled (<see cref="CommitteeOutcome.Settled"/>) or the job was found disputed, before the job
    /// finishes. Reputation: every winner gets a verified result (the executor also its success), every loser of a
    /// settled committee a wrong result, every member that did not answer an unavailability; a disputed job charges
    /// nobody a wrong result (no majority says who was wrong). Payment: the worker paid as executor is the executor
    /// when it won, else the worker whose receipt represents the winning result; the other winners share the
    /// committee fee. Stake: with the ledger on, each loser of a settled committee is slashed for a wrong result,
    /// once per job and worker (the evidence hash, <see cref="WrongResultEvidenceHash"/>).
    /// </summary>
    private async Task OnCommitteeSettledAsync(CommitteeOutcome outcome)
    {
        AddLog("info", $"committee outcome: winners [{string.Join(", ", outcome.Winners)}], losers [{string.Join(", ", outcome.Losers)}], unavailable [{string.Join(", ", outcome.Unavailable)}]");
        var executor = Info.WorkerId ?? "";
        foreach (var worker in outcome.Unavailable)
        {
            await RecordReputationAsync(worker, ReputationEventKind.Unavailable, 0, null);
        }

        if (!outcome.Settled)
        {
            return;
        }

        var receiptHash = Info.ReceiptHash;
        var payee = outcome.Winners.Contains(executor) ? executor : state.State.Receipt?.Receipt.WorkerId ?? executor;
        state.State.PayeeId = payee;
        state.State.CommitteeMemberIds.Clear();
        foreach (var worker in outcome.Winners)
        {
            if (!string.Equals(worker, payee, StringComparison.Ordinal))
            {
                state.State.CommitteeMemberIds.Add(worker);
            }

            await RecordReputationAsync(worker, ReputationEventKind.VerifiedResult, 0, receiptHash);
        }

        if (outcome.Winners.Contains(executor))
        {
            await RecordExecutorSuccessAsync(executor, receiptHash);
        }

        var slash = (await settlements.TermsAsync()).Enabled;
        foreach (var evidence in state.State.Committee?.Evidence ?? [])
        {
            var evidenceHash = WrongResultEvidenceHash(evidence);
            await RecordReputationAsync(evidence.WorkerId, ReputationEventKind.WrongResult, 0, evidenceHash);
            if (!slash)
            {
                continue;
            }

            try
            {
                var slashed = await settlements.Ledger.SlashAsync(evidence.WorkerId, evidenceHash, SlashReason.WrongResult);
                AddLog("warn", $"worker {evidence.WorkerId} slashed {slashed.Slashed} for a wrong result (evidence {evidenceHash})");
            }
            catch (Exception e) when (e is MarketplaceException or TimeoutException or OrleansException)
            {
                AddLog("warn", $"could not slash worker {evidence.WorkerId} for a wrong result (evidence {evidenceHash}): {e.Message}");
            }
        }
    }

    /// <summary>The hash that names one loser's wrong result in reputation and in a slash: hex SHA-256 of
    /// <c>marketplace/wrong-result/v1</c>, the settled receipt hash, the loser's result digest (hex, ASCII) and its
    /// worker id (UTF-8).</summary>
    private static string WrongResultEvidenceHash(CommitteeEvidence evidence)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData("marketplace/wrong-result/v1"u8);
        sha.AppendData(evidence.SettledReceiptHash);
        sha.AppendData(System.Text.Encoding.ASCII.GetBytes(evidence.ResultDigest));
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(evidence.WorkerId));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>A parallel dissenter's signature over the representative's hash, verified; null when it does not endorse.</summary>
    private async Task<byte[]?> EndorsementAsync(CommitteeSeat seat, SignedExecutionReceipt representative)
    {
        byte[]? signature;
        try
        {
            signature = await lookups.Worker(seat.WorkerId).EndorseAsync(representative.Receipt);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            AddLog("warn", $"worker {seat.WorkerId} could not be asked to endorse receipt {Convert.ToHexStringLower(representative.ReceiptHash)}: {e.Message}");
            return null;
        }

        if (signature is null || !SignatureValid(seat.PublicKey, representative.ReceiptHash, signature))
        {
            AddLog("warn", $"worker {seat.WorkerId} did not endorse receipt {Convert.ToHexStringLower(representative.ReceiptHash)} of its own result");
            return null;
        }

        return signature;
    }

    /// <summary>Seats with a run of their own, executor first, then committee, then re-run workers, each in draw order.</summary>
    private static List<CommitteeSeat> RanSeats(CommitteeRecord committee)
    {
        var seats = new List<CommitteeSeat>(committee.Seats.Count);
        foreach (var role in (ReadOnlySpan<CommitteeRole>)[CommitteeRole.Executor, CommitteeRole.Committee, CommitteeRole.Rerun])
        {
            foreach (var seat in committee.Seats)
            {
                if (seat.Role == role && seat.ResultDigest is not null)
                {
                    seats.Add(seat);
                }
            }
        }

        return seats;
    }

    private static List<string> UnavailableSeats(CommitteeRecord committee)
    {
        var ids = new List<string>();
        foreach (var seat in committee.Seats)
        {
            if (seat.Status is SeatStatus.Unavailable or SeatStatus.Rejected)
            {
                ids.Add(seat.WorkerId);
            }
        }

        return ids;
    }
}
