namespace Marketplace.GrainInterfaces;

/// <summary>The result of <see cref="ReceiptVerifier.VerifySigned(SignedExecutionReceipt)"/>: valid, or what failed and why.</summary>
/// <param name="Failure">What failed (<see cref="ReceiptVerificationFailure.None"/> when valid).</param>
/// <param name="Detail">One line saying why, e.g. "receipt_hash 12ab… is not the hash of the receipt (34cd…)"; empty when valid.</param>
public sealed record ReceiptVerification(ReceiptVerificationFailure Failure, string Detail)
{
    /// <summary>The receipt is the signed claim of the key's holder.</summary>
    public static ReceiptVerification Valid { get; } = new(ReceiptVerificationFailure.None, "");

    /// <summary>True when nothing failed.</summary>
    public bool IsValid => Failure == ReceiptVerificationFailure.None;
}
