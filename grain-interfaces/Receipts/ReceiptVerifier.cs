using Marketplace.Crypto.Bls;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Checks a signed receipt offline, with nothing but the receipt: the hash is recomputed from the fields, and the
/// signature checked over it with the public key given (BLS12-381, proof-of-possession ciphersuite).
/// </summary>
/// <remarks>
/// A valid receipt proves that whoever holds the key signed exactly these figures. It does not prove the figures are
/// right, nor that the key is the worker's: compare <see cref="SignedExecutionReceipt.WorkerPublicKey"/> with the
/// worker's published key (<c>GET /v1/workers/{id}</c>, <c>bls_public_key</c>) or pass the key you trust to
/// <see cref="VerifySigned(SignedExecutionReceipt, ReadOnlySpan{byte})"/>. The proof of possession was checked when
/// the worker registered its key, so the key cannot be a rogue-key construction.
/// </remarks>
public static class ReceiptVerifier
{
    /// <summary>Verifies <paramref name="signed"/> with the public key it carries.</summary>
    public static ReceiptVerification VerifySigned(SignedExecutionReceipt signed) => VerifyCarried(signed, null);

    /// <summary>Verifies <paramref name="signed"/> and that it is signed with <paramref name="trustedPublicKey"/>
    /// (48 bytes compressed), e.g. the key the worker registered.</summary>
    public static ReceiptVerification VerifySigned(SignedExecutionReceipt signed, ReadOnlySpan<byte> trustedPublicKey) =>
        VerifySigned(signed, trustedPublicKey, null);

    /// <summary>
    /// Verifies <paramref name="signed"/> and that it is signed with <paramref name="trustedPublicKey"/>, taking the
    /// signature from <paramref name="verified"/> when that set holds the same key's same signature over the same
    /// message (a batch root verified before, or a signature this process made), and adding a batch signature there
    /// once verified. The receipt's hash and its path to the root are checked every time.
    /// </summary>
    public static ReceiptVerification VerifySigned(SignedExecutionReceipt signed, ReadOnlySpan<byte> trustedPublicKey, VerifiedSignatures? verified)
    {
        ArgumentNullException.ThrowIfNull(signed);
        if (!trustedPublicKey.SequenceEqual(signed.WorkerPublicKey ?? []))
        {
            var structural = VerifyCarried(signed, verified);
            return !structural.IsValid
                ? structural
                : Fail(ReceiptVerificationFailure.WrongKey, $"the receipt is signed with {Convert.ToHexStringLower(signed.WorkerPublicKey ?? [])}, not with the trusted key {Convert.ToHexStringLower(trustedPublicKey)}");
        }

        return VerifyCarried(signed, verified);
    }

    private static ReceiptVerification VerifyCarried(SignedExecutionReceipt signed, VerifiedSignatures? verified)
    {
        ArgumentNullException.ThrowIfNull(signed);
        if (!string.Equals(signed.Kind, SignedExecutionReceipt.ExecutorKind, StringComparison.Ordinal))
        {
            return Fail(ReceiptVerificationFailure.UnknownKind, $"kind '{signed.Kind}' is not '{SignedExecutionReceipt.ExecutorKind}'");
        }

        byte[] hash;
        try
        {
            hash = ReceiptCodec.Hash(signed.Receipt);
        }
        catch (ReceiptFormatException e)
        {
            return Fail(ReceiptVerificationFailure.MalformedReceipt, "receipt: " + e.Message);
        }

        if (signed.ReceiptHash is null || !hash.AsSpan().SequenceEqual(signed.ReceiptHash))
        {
            return Fail(ReceiptVerificationFailure.HashMismatch,
                $"receipt_hash {Convert.ToHexStringLower(signed.ReceiptHash ?? [])} is not the hash of the receipt's fields ({Convert.ToHexStringLower(hash)})");
        }

        if (BatchInclusion.SignedMessage(hash, signed.Batch, out var batchFailure, out var batchDetail) is not { } message)
        {
            return Fail(batchFailure, batchDetail);
        }

        if (verified is not null && verified.Contains(signed.WorkerPublicKey ?? [], message, signed.Signature ?? []))
        {
            return ReceiptVerification.Valid;
        }

        if (!PublicKey.TryFromBytes(signed.WorkerPublicKey ?? [], out var key) || key is null)
        {
            return Fail(ReceiptVerificationFailure.MalformedPublicKey, "worker_public_key is not a BLS12-381 G1 public key (48 bytes compressed)");
        }

        if (!Signature.TryFromBytes(signed.Signature ?? [], out var signature) || signature is null)
        {
            return Fail(ReceiptVerificationFailure.MalformedSignature, "signature is not a BLS12-381 G2 signature (96 bytes compressed)");
        }

        if (!Bls.Verify(key, message, signature))
        {
            return Fail(ReceiptVerificationFailure.BadSignature, signed.Batch is { } batch
                ? $"signature does not verify for batch {batch.Sequence} (root {Convert.ToHexStringLower(batch.Root)}) under worker_public_key"
                : $"signature does not verify for receipt hash {Convert.ToHexStringLower(hash)} under worker_public_key");
        }

        if (signed.Batch is not null)
        {
            verified?.Add(signed.WorkerPublicKey, message, signed.Signature);
        }

        return ReceiptVerification.Valid;
    }

    private static ReceiptVerification Fail(ReceiptVerificationFailure failure, string detail) => new(failure, detail);
}
