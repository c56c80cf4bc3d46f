// Design: the verdict's effects are the job's, applied in the job's turn and only while it is verifying, so a verdict
// read twice (the job's activation lost between the verdict and its stored end) applies once: the end is stored by
// FinishAsync, and every effect before it is idempotent by its id (reputation event ids, slash evidence hashes).
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.Verification;

namespace Marketplace.Grains.Jobs;

/// <summary>The verification's verdict applied: output, receipt, reputation, payment, stake and the end.</summary>
internal sealed partial class JobGrain
{
    /// <summary>Applies <paramref name="verdict"/>: the job's output, receipt and verification, reputation, payment and
    /// stake, then its end; the verification's record is dropped once the end is stored.</summary>
    private async Task ConcludeAsync(VerificationVerdict verdict)
    {
        switch (verdict.End)
        {
            case VerificationEnd.Settled:
                var representative = verdict.Representative!;
                if (verdict.ExecutorLost)
                {
                    Info.OutputBlobId = verdict.OutputBlobId;
                    Info.OutputSize = verdict.OutputSize;
                    Info.FuelConsumed = representative.Receipt.FuelConsumed;
                }

                state.State.Receipt = representative;
                state.State.Aggregated = verdict.Aggregated;
                Info.ReceiptHash = Convert.ToHexStringLower(representative.ReceiptHash);
                Info.Verification = WithSampleDraw(verdict.Verification);
                await OnCommitteeSettledAsync(verdict.Outcome, verdict.Evidence);
                await FinishAsync(JobStatus.Completed, FailureReason.None, null);
                break;
            case VerificationEnd.Disputed:
                Info.Verification = WithSampleDraw(verdict.Verification);
                Info.OutputBlobId = null;
                Info.OutputSize = 0;
                await OnCommitteeSettledAsync(verdict.Outcome, []);
                await FinishAsync(JobStatus.Failed, FailureReason.Disputed, "disputed: " + verdict.Reason);
                break;
            default:
                Info.Verification = WithSampleDraw(verdict.End == VerificationEnd.Unverified
                    ? verdict.Verification
                    : new JobVerification { State = VerificationState.Unverified, CommitteeSize = state.State.CommitteeSize ?? _options.DefaultCommitteeSize, Note = verdict.Reason });
                AddLog("warn", "completes unverified: " + verdict.Reason);
                await RecordExecutorSuccessAsync(Info.WorkerId ?? "", Info.ReceiptHash);
                await FinishAsync(JobStatus.Completed, FailureReason.None, null);
                break;
        }

        state.State.VerificationOpen = false;
        try
        {
            await Verification.ForgetAsync();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The job's end is stored; the verification's record stays behind, read by nobody.
            AddLog("warn", $"the verification's record could not be dropped ({e.GetType().Name})");
        }
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
    private async Task OnCommitteeSettledAsync(CommitteeOutcome outcome, List<CommitteeEvidence> evidenceList)
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
        foreach (var evidence in evidenceList)
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
}
