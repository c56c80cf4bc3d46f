// Design: settling turns the committee's checked answers into one aggregated receipt. The members listed are every
// seat that ran the job (executor first, then the committee and the re-run workers in the order drawn); the signers
// are the winners whose signature is over the winning representative's receipt hash. A winner that signed another
// receipt of the same result (a parallel dissenter) is asked to endorse the representative, which the worker does
// only when the digest it recorded from its own run matches; its endorsement is verified like any agreement.
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs.Verification;

/// <summary>The verdicts: settled with an aggregated receipt, disputed, or unverified.</summary>
internal sealed partial class JobVerificationGrain
{
    /// <summary>Settles on <paramref name="winner"/>: the aggregated receipt, losers' claims kept as evidence; disputes
    /// when too few winners sign.</summary>
    private async Task SettleAsync(CommitteeResult winner)
    {
        var committee = Committee;
        var representative = winner.Representative;
        var hash = representative.ReceiptHash;
        var members = RanSeats(committee);
        var signatures = new List<Signature>(members.Count);
        var bitmap = new byte[(members.Count + 7) / 8];
        var listed = new List<CommitteeMember>(members.Count);
        var signers = new List<string>();
        var winners = new List<string>();
        var losers = new List<string>();
        var evidence = new List<CommitteeEvidence>();
        for (var i = 0; i < members.Count; i++)
        {
            var seat = members[i];
            listed.Add(new CommitteeMember { WorkerId = seat.WorkerId, PublicKey = seat.PublicKey, Role = seat.Role });
            if (!string.Equals(seat.ResultDigest, winner.ResultDigest, StringComparison.Ordinal))
            {
                losers.Add(seat.WorkerId);
                evidence.Add(new CommitteeEvidence
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
            Dispute($"only {signers.Count} of {members.Count} runs signed the winning receipt {Convert.ToHexStringLower(hash)}, {threshold} needed");
            return;
        }

        var aggregated = new AggregatedReceipt
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
        committee.Aggregated = aggregated;
        committee.Evidence = evidence;
        committee.Closed = true;
        var executorLost = !ReferenceEquals(winner, committee.Results[0]);
        if (executorLost)
        {
            Log("warn", $"the executor's result lost: the job's output is now that of worker {representative.Receipt.WorkerId}'s result");
        }

        var unavailable = UnavailableSeats(committee);

        // The committee size asked for means that many runs beside the settled receipt's own agree with it; fewer is
        // verified by a smaller committee, and says so.
        var agreeing = signers.Count - 1;
        var shortNote = agreeing < committee.Size
            ? $"short of its committee: {agreeing} of the {committee.Size} re-executions asked for agree with the settled receipt"
                + (unavailable.Count > 0 ? $" ({unavailable.Count} unavailable: {string.Join(", ", unavailable)})" : "")
            : null;
        if (shortNote is not null)
        {
            Log("warn", shortNote);
        }

        Log("info", $"the committee settled: {signers.Count} of {members.Count} runs signed receipt {Convert.ToHexStringLower(hash)} ({string.Join(", ", signers)})"
            + (losers.Count > 0 ? $"; losers kept as evidence: {string.Join(", ", losers)}" : ""));
        state.State.Verdict = new VerificationVerdict
        {
            End = VerificationEnd.Settled,
            Verification = new JobVerification
            {
                State = VerificationState.Verified,
                CommitteeSize = committee.Size,
                Signers = signers,
                DistinctResults = committee.Results.Count,
                Unavailable = unavailable,
                Losers = losers,
                Short = shortNote is not null,
                Note = shortNote,
            },
            Aggregated = aggregated,
            Representative = representative,
            ExecutorLost = executorLost,
            OutputBlobId = winner.OutputBlobId,
            OutputSize = winner.OutputSize,
            Winners = winners,
            Losers = losers,
            Unavailable = unavailable,
            Evidence = evidence,
        };
    }

    /// <summary>The runs disagree and no result has the majority it needs.</summary>
    private void Dispute(string why)
    {
        var committee = Committee;
        committee.Closed = true;
        var ran = new List<string>();
        foreach (var seat in RanSeats(committee))
        {
            ran.Add(seat.WorkerId);
        }

        var unavailable = UnavailableSeats(committee);
        state.State.Verdict = new VerificationVerdict
        {
            End = VerificationEnd.Disputed,
            Verification = new JobVerification
            {
                State = VerificationState.Disputed,
                CommitteeSize = committee.Size,
                DistinctResults = committee.Results.Count,
                Unavailable = unavailable,
                Note = why,
            },
            Losers = ran,
            Unavailable = unavailable,
            Reason = why,
        };
    }

    /// <summary>No member could re-execute the run: it stands on the executor's run alone.</summary>
    private void Unverified(string why)
    {
        var committee = Committee;
        committee.Closed = true;
        var unavailable = UnavailableSeats(committee);
        state.State.Verdict = new VerificationVerdict
        {
            End = VerificationEnd.Unverified,
            Verification = new JobVerification
            {
                State = VerificationState.Unverified,
                CommitteeSize = committee.Size,
                DistinctResults = 1,
                Unavailable = unavailable,
                Note = why,
            },
            Unavailable = unavailable,
            Reason = why,
        };
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
            Log("warn", $"worker {seat.WorkerId} could not be asked to endorse receipt {Convert.ToHexStringLower(representative.ReceiptHash)}: {e.Message}");
            return null;
        }

        if (signature is null || !SignatureValid(seat.PublicKey, representative.ReceiptHash, signature))
        {
            Log("warn", $"worker {seat.WorkerId} did not endorse receipt {Convert.ToHexStringLower(representative.ReceiptHash)} of its own result");
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
