using Marketplace.Crypto.Bls;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Checks a <see cref="DoubleSignEvidence"/> offline: both receipts canonical with their stated hashes, both signatures
/// valid under the evidence's key (through each receipt's batch proof when it has one), and either the same job id
/// with different result digests (<see cref="ReceiptCodec.ResultDigest"/>), or two different batch roots signed under
/// one batch sequence number.
/// </summary>
/// <remarks>Valid evidence proves that the key's holder claimed two results for one job, or signed two batches under
/// one sequence number, which an honest worker's sign-intent log never lets it do. Which worker holds the key is the
/// registry's to say (<c>GET /v1/workers/{id}</c>); the silo looks it up when the evidence is posted.</remarks>
public static class DoubleSignEvidenceVerifier
{
    /// <summary>Verifies <paramref name="evidence"/>; the result carries the evidence hash when valid.</summary>
    public static DoubleSignEvidenceVerification Verify(DoubleSignEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (!string.Equals(evidence.Kind, DoubleSignEvidence.DoubleSignKind, StringComparison.Ordinal))
        {
            return Fail(DoubleSignEvidenceFailure.UnknownKind, $"kind '{evidence.Kind}' is not '{DoubleSignEvidence.DoubleSignKind}'");
        }

        if (evidence.First is null || evidence.Second is null)
        {
            return Fail(DoubleSignEvidenceFailure.MalformedReceipt, "first or second is missing");
        }

        if (CheckHash(evidence.First, "first", out var firstDigest) is { } badFirst)
        {
            return badFirst;
        }

        if (CheckHash(evidence.Second, "second", out var secondDigest) is { } badSecond)
        {
            return badSecond;
        }

        if (!PublicKey.TryFromBytes(evidence.PublicKey ?? [], out var key) || key is null)
        {
            return Fail(DoubleSignEvidenceFailure.MalformedPublicKey, "public_key is not a BLS12-381 G1 public key (48 bytes compressed)");
        }

        if (CheckSignature(evidence.First, key, "first") is { } badFirstSignature)
        {
            return badFirstSignature;
        }

        if (CheckSignature(evidence.Second, key, "second") is { } badSecondSignature)
        {
            return badSecondSignature;
        }

        if (evidence.First.Batch is { } firstBatch && evidence.Second.Batch is { } secondBatch
            && firstBatch.Sequence == secondBatch.Sequence && !firstBatch.Root.AsSpan().SequenceEqual(secondBatch.Root))
        {
            // Two roots under one sequence number: the identity is over the two signed batch messages, so one reused
            // sequence is one offence however many receipt pairs show it.
            return new DoubleSignEvidenceVerification(DoubleSignEvidenceFailure.None, "",
                DoubleSignEvidence.Hash(evidence.PublicKey, ReceiptBatch.SigningHash(firstBatch), ReceiptBatch.SigningHash(secondBatch)));
        }

        if (!string.Equals(evidence.First.Receipt.JobId, evidence.Second.Receipt.JobId, StringComparison.Ordinal))
        {
            return Fail(DoubleSignEvidenceFailure.DifferentJobs, $"the receipts are of jobs '{evidence.First.Receipt.JobId}' and '{evidence.Second.Receipt.JobId}'");
        }

        if (firstDigest.AsSpan().SequenceEqual(secondDigest))
        {
            return Fail(DoubleSignEvidenceFailure.SameResult, $"both receipts claim result {Convert.ToHexStringLower(firstDigest)} for job '{evidence.First.Receipt.JobId}': no conflict");
        }

        return new DoubleSignEvidenceVerification(DoubleSignEvidenceFailure.None, "",
            DoubleSignEvidence.Hash(evidence.PublicKey, evidence.First.ReceiptHash, evidence.Second.ReceiptHash));
    }

    private static DoubleSignEvidenceVerification? CheckHash(ConflictingSignature half, string name, out byte[] digest)
    {
        digest = [];
        byte[] hash;
        try
        {
            hash = ReceiptCodec.Hash(half.Receipt);
            digest = ReceiptCodec.ResultDigest(half.Receipt);
        }
        catch (ReceiptFormatException e)
        {
            return Fail(DoubleSignEvidenceFailure.MalformedReceipt, $"{name}.receipt: {e.Message}");
        }

        return half.ReceiptHash is not null && hash.AsSpan().SequenceEqual(half.ReceiptHash)
            ? null
            : Fail(DoubleSignEvidenceFailure.HashMismatch, $"{name}.receipt_hash {Convert.ToHexStringLower(half.ReceiptHash ?? [])} is not the hash of its receipt ({Convert.ToHexStringLower(hash)})");
    }

    private static DoubleSignEvidenceVerification? CheckSignature(ConflictingSignature half, PublicKey key, string name)
    {
        if (!Signature.TryFromBytes(half.Signature ?? [], out var signature) || signature is null)
        {
            return Fail(DoubleSignEvidenceFailure.MalformedSignature, $"{name}.signature is not a BLS12-381 G2 signature (96 bytes compressed)");
        }

        if (BatchInclusion.SignedMessage(half.ReceiptHash, half.Batch, out _, out var batchDetail) is not { } message)
        {
            return Fail(DoubleSignEvidenceFailure.BadBatchProof, $"{name}.batch: {batchDetail}");
        }

        return Bls.Verify(key, message, signature)
            ? null
            : Fail(DoubleSignEvidenceFailure.BadSignature, half.Batch is { } batch
                ? $"{name}.signature does not verify for batch {batch.Sequence} (root {Convert.ToHexStringLower(batch.Root)}) under public_key"
                : $"{name}.signature does not verify for receipt hash {Convert.ToHexStringLower(half.ReceiptHash)} under public_key");
    }

    private static DoubleSignEvidenceVerification Fail(DoubleSignEvidenceFailure failure, string detail) => new(failure, detail, []);
}
