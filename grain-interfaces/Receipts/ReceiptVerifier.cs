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
    public static ReceiptVerification VerifySigned(SignedExecutionReceipt signed)
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

        if (!PublicKey.TryFromBytes(signed.WorkerPublicKey ?? [], out var key) || key is null)
        {
            return Fail(ReceiptVerificationFailure.MalformedPublicKey, "worker_public_key is not a BLS12-381 G1 public key (48 bytes compressed)");
        }

        if (!Signature.TryFromBytes(signed.Signature ?? [], out var signature) || signature is null)
        {
            return Fail(ReceiptVerificationFailure.MalformedSignature, "signature is not a BLS12-381 G2 signature (96 bytes compressed)");
        }

        return Bls.Verify(key, hash, signature)
            ? ReceiptVerification.Valid
            : Fail(ReceiptVerificationFailure.BadSignature, $"signature does not verify for receipt hash {Convert.ToHexStringLower(hash)} under worker_public_key");
    }

    /// <summary>Verifies <paramref name="signed"/> and that it is signed with <paramref name="trustedPublicKey"/>
    /// (48 bytes compressed), e.g. the key the worker registered.</summary>
    public static ReceiptVerification VerifySigned(SignedExecutionReceipt signed, ReadOnlySpan<byte> trustedPublicKey)
    {
        var result = VerifySigned(signed);
        if (!result.IsValid)
        {
            return result;
        }

        return trustedPublicKey.SequenceEqual(signed.WorkerPublicKey)
            ? result
            : Fail(ReceiptVerificationFailure.WrongKey, $"the receipt is signed with {Convert.ToHexStringLower(signed.WorkerPublicKey)}, not with the trusted key {Convert.ToHexStringLower(trustedPublicKey)}");
    }

    private static ReceiptVerification Fail(ReceiptVerificationFailure failure, string detail) => new(failure, detail);
}
