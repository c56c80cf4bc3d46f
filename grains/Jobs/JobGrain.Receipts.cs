// Design: a report's receipt is checked in the report's turn against what the job itself knows (its id, attempt,
// program, input, invocation, assigned worker, the reported fuel and ending) and against the worker's registered
// key, before anything of the report is taken. A report that fails the check is a bad report: the attempt is
// treated like a lost one (the worker is charged, the job retries elsewhere), so a worker cannot complete a job
// with a claim it did not sign or that is not about this run. The output hash is not re-read here (the output
// blob's id already pins its bytes); the input hash is, once: a blob input's is the SHA-256 its manifest recorded when
// it was stored (read whole only for a blob stored before manifests recorded it).
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Grains.Jobs;

/// <summary>Receipts: checking the one a report carries, keeping it, handing it out.</summary>
internal sealed partial class JobGrain
{
    /// <inheritdoc />
    public Task<SignedExecutionReceipt> GetReceiptAsync(string clientId)
    {
        RequireOwner(clientId);
        if (!Terminal)
        {
            throw new JobConflictException($"job {JobId} is {MarketplaceJson.EnumName(Info.Status)}; its receipt exists once it has finished");
        }

        return state.State.Receipt is { } receipt
            ? Task.FromResult(receipt)
            : throw new JobConflictException(
                $"job {JobId} is {MarketplaceJson.EnumName(Info.Status)} and has no receipt: only a run that completed, ran out of fuel, trapped or exited gets one");
    }

    /// <inheritdoc />
    public async Task<ChainJobTerms> GetChainTermsAsync(string clientId)
    {
        RequireOwner(clientId);
        if (Info.Status != JobStatus.Completed)
        {
            throw new JobConflictException($"job {JobId} is {MarketplaceJson.EnumName(Info.Status)}; only a completed job is paid on its receipt");
        }

        if (state.State.Escrowed == UInt128.Zero || Info.PricePerMillionFuel < 1)
        {
            throw new JobConflictException($"job {JobId} holds no escrow at a price: it was not paid through the settlement");
        }

        var aggregated = state.State.Aggregated ?? state.State.Committee?.Aggregated;
        var threshold = Math.Clamp(aggregated?.Threshold ?? 1, 1, 16);
        return await settlements.Ledger.SignJobTermsAsync(JobId, Info.PricePerMillionFuel, threshold)
            ?? throw new JobConflictException($"job {JobId} is not settled on a chain with release on proof (the embedded ledger, or a deployment without the ReceiptRelease contract)");
    }

    /// <summary>Why the receipt of <paramref name="report"/> (the current attempt's) is not acceptable, or null when
    /// it is (or when the report rightly carries none).</summary>
    private async Task<string?> ReceiptProblemAsync(AttemptReport report)
    {
        var signed = report.Receipt;
        if (signed is null)
        {
            return report.Succeeded ? "a completed run's report carries no receipt" : null;
        }

        var r = signed.Receipt;
        if (r is null)
        {
            return "the receipt is empty";
        }

        var worker = Info.WorkerId ?? "";
        var attempt = state.State.Attempts;
        if (!string.Equals(report.WorkerId, worker, StringComparison.Ordinal) || !string.Equals(r.WorkerId, worker, StringComparison.Ordinal))
        {
            return $"the report names worker '{report.WorkerId}' and its receipt worker '{r.WorkerId}', but attempt {attempt} was assigned to worker '{worker}'";
        }

        if (!string.Equals(r.JobId, JobId, StringComparison.Ordinal) || r.Attempt != attempt)
        {
            return $"the receipt is for job {r.JobId} attempt {r.Attempt}, not for job {JobId} attempt {attempt}";
        }

        if (!string.Equals(r.ProgramId, Info.ProgramId, StringComparison.Ordinal))
        {
            return $"the receipt names program {r.ProgramId}, the job runs {Info.ProgramId}";
        }

        if (r.FuelConsumed != report.FuelConsumed)
        {
            return $"the receipt says fuel {r.FuelConsumed}, the report {report.FuelConsumed}";
        }

        if (!OutcomeMatches(r.Outcome, report))
        {
            return $"the receipt says the run ended {MarketplaceJson.EnumName(r.Outcome)}, the report {(report.Succeeded ? "completed" : report.FailureReason.ToString())}";
        }

        var invocation = r.Abi == ReceiptAbi.Wasi
            ? ReceiptInvocation.Hash(state.State.Args, state.State.Env, Info.CreatedAt)
            : ReceiptInvocation.None;
        if (!invocation.AsSpan().SequenceEqual(r.InvocationHash))
        {
            return "the receipt's invocation hash is not the hash of the job's arguments, environment and clock start";
        }

        if (!(await InputHashAsync()).AsSpan().SequenceEqual(r.InputHash))
        {
            return "the receipt's input hash is not the SHA-256 of the job's input";
        }

        byte[] key;
        try
        {
            key = await lookups.WorkerKeyAsync(worker);
        }
        catch (WorkerNotFoundException)
        {
            return $"worker {worker} has no registered key";
        }

        var check = ReceiptVerifier.VerifySigned(signed, key, lookups.VerifiedSignatures);
        return check.IsValid ? null : check.Detail;
    }

    /// <summary>Whether <paramref name="signature"/> over <paramref name="message"/> verifies under
    /// <paramref name="publicKey"/>: taken from the silo's set of known signatures when one of its own workers just
    /// made it, else checked by pairing.</summary>
    private bool SignatureValid(byte[] publicKey, byte[] message, byte[] signature) =>
        lookups.VerifiedSignatures.Contains(publicKey, message, signature) || Crypto.Bls.Bls.Verify(publicKey, message, signature);

    /// <summary>Takes an accepted report's receipt (or its absence) as the job's.</summary>
    private void KeepReceipt(AttemptReport report)
    {
        state.State.Receipt = report.Receipt;
        Info.ReceiptHash = report.Receipt is { } signed ? Convert.ToHexStringLower(signed.ReceiptHash) : null;
    }

    /// <summary>A report whose receipt does not check: handled like a lost attempt (the worker is charged and the job
    /// retries on another worker if it may).</summary>
    private async Task RejectReportAsync(AttemptReport report, string problem)
    {
        var worker = Info.WorkerId ?? report.WorkerId;
        var attempt = state.State.Attempts;
        var attemptId = _attemptId;
        AddLog("error", $"rejected the report of attempt {attempt} from worker {worker}: {problem}", attempt);
        PreferOtherWorkers(worker);

        if (attemptId is not null && worker.Length > 0)
        {
            await lookups.Worker(worker).AttemptLostAsync(JobId, attemptId);
        }

        await RecordRejectedReportAsync(report);
        await RetryOrFinishAsync(FailureReason.WorkerLost, $"worker {worker} sent a bad report for attempt {attempt}: {problem}", retriable: true);
    }

    private static bool OutcomeMatches(ReceiptOutcome outcome, AttemptReport report) => outcome switch
    {
        ReceiptOutcome.Completed => report.Succeeded,
        ReceiptOutcome.OutOfFuel => !report.Succeeded && report.FailureReason == FailureReason.OutOfFuel,
        ReceiptOutcome.Trapped or ReceiptOutcome.Exited => !report.Succeeded && report.FailureReason == FailureReason.ExecutionError,
        _ => false,
    };

    /// <summary>SHA-256 of the job's input bytes, computed once: a blob input's as its manifest records it, or, for a
    /// blob stored before manifests recorded it, read whole with the silo's authority, every chunk verified.</summary>
    private async Task<byte[]> InputHashAsync()
    {
        if (state.State.InputHash is { } known)
        {
            return known;
        }

        byte[] hash;
        if (state.State.InputBlobId is { } blobId && state.State.InputInline is null)
        {
            var manifest = await GrainFactory.GetGrain<IBlobGrain>(blobId).GetManifestAsync(BlobCaller.Silo);
            if (manifest is { ContentSha256: { Length: 64 } recorded })
            {
                // Recorded by the upload that stored the blob, as it hashed the bytes in order: no second read.
                hash = Convert.FromHexString(recorded);
            }
            else
            {
                // A blob stored before content hashes were recorded: read whole, once.
                using var hashing = new MemoryStream();
                await BlobTransfer.DownloadAsync(GrainFactory, BlobCaller.Silo, blobId, hashing, 0, null, null, CancellationToken.None);
                hash = SHA256.HashData(hashing.GetBuffer().AsSpan(0, (int)hashing.Length));
            }
        }
        else
        {
            hash = SHA256.HashData(state.State.InputInline ?? []);
        }

        state.State.InputHash = hash;
        return hash;
    }
}
