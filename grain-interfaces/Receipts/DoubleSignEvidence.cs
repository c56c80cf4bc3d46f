using System.Security.Cryptography;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Proof that one BLS key signed two receipts of the same job whose results differ
/// (<see cref="ReceiptCodec.ResultDigest"/>): an honest worker claims one result per job, so two claims are a
/// double sign. Anyone holding the two signatures can build it (<see cref="From"/>) and anyone can check it offline
/// (<see cref="DoubleSignEvidenceVerifier"/>); its JSON form is <see cref="DoubleSignEvidenceJson"/>'s.
/// </summary>
/// <remarks>Never changed once sent ([Immutable]).</remarks>
[GenerateSerializer]
[Alias("marketplace.double-sign-evidence")]
[Immutable]
public sealed class DoubleSignEvidence
{
    /// <summary>The kind of the evidence file.</summary>
    public const string DoubleSignKind = "double_sign";

    /// <summary>The bytes the evidence hash starts with: ASCII <c>marketplace/double-sign-evidence/v1</c>.</summary>
    public static ReadOnlySpan<byte> DomainTag => "marketplace/double-sign-evidence/v1"u8;

    /// <summary>The form (<see cref="DoubleSignKind"/>).</summary>
    [Id(0)] public string Kind { get; set; } = DoubleSignKind;

    /// <summary>The key that signed both, 48 bytes compressed (G1).</summary>
    [Id(1)] public byte[] PublicKey { get; set; } = [];

    /// <summary>The first signed receipt.</summary>
    [Id(2)] public ConflictingSignature First { get; set; } = new();

    /// <summary>The second signed receipt (same job, another result).</summary>
    [Id(3)] public ConflictingSignature Second { get; set; } = new();

    /// <summary>
    /// The evidence's identity: SHA-256 over <see cref="DomainTag"/>, the 48-byte public key, then the two 32-byte
    /// receipt hashes, the smaller first in unsigned byte order, so the same pair in either order has one hash. The
    /// key is hashed too: two workers that signed the same two receipts are two offences.
    /// </summary>
    public static byte[] Hash(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> firstReceiptHash, ReadOnlySpan<byte> secondReceiptHash)
    {
        var low = firstReceiptHash.SequenceCompareTo(secondReceiptHash) <= 0 ? firstReceiptHash : secondReceiptHash;
        var high = low == firstReceiptHash ? secondReceiptHash : firstReceiptHash;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(DomainTag);
        hash.AppendData(publicKey);
        hash.AppendData(low);
        hash.AppendData(high);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// The evidence made of two signed receipts (<paramref name="first"/>, <paramref name="second"/>). Throws
    /// <see cref="NotConflictingException"/> unless both verify, are signed with one key, name one job and claim
    /// different results.
    /// </summary>
    public static DoubleSignEvidence From(SignedExecutionReceipt first, SignedExecutionReceipt second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var evidence = new DoubleSignEvidence
        {
            PublicKey = first.WorkerPublicKey,
            First = new ConflictingSignature { Receipt = first.Receipt, ReceiptHash = first.ReceiptHash, Signature = first.Signature, Batch = first.Batch },
            Second = new ConflictingSignature { Receipt = second.Receipt, ReceiptHash = second.ReceiptHash, Signature = second.Signature, Batch = second.Batch },
        };
        if (!first.WorkerPublicKey.AsSpan().SequenceEqual(second.WorkerPublicKey))
        {
            throw new NotConflictingException(DoubleSignEvidenceFailure.DifferentKeys, "the two receipts are signed with different keys");
        }

        var check = DoubleSignEvidenceVerifier.Verify(evidence);
        return check.IsValid ? evidence : throw new NotConflictingException(check.Failure, check.Detail);
    }
}
