using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <summary>
/// Offline checks of a receipt file in either form (<c>kind</c> <c>executor</c> or <c>aggregated</c>), e.g. the body of
/// <c>GET /v1/jobs/{id}/receipt</c> or a file <c>marketplace job-receipt --out</c> wrote. No server is involved.
/// </summary>
public static class ReceiptFiles
{
    /// <summary>
    /// Verifies the receipt file in <paramref name="utf8Json"/>: an executor receipt with
    /// <see cref="ReceiptVerifier.VerifySigned(SignedExecutionReceipt)"/>, an aggregated one with
    /// <see cref="AggregatedReceiptVerifier.Verify"/> under <paramref name="policy"/> (its program check applies to both
    /// forms). A file that does not parse is <see cref="ReceiptVerificationFailure.MalformedReceipt"/>; an unknown kind
    /// <see cref="ReceiptVerificationFailure.UnknownKind"/>.
    /// </summary>
    public static ReceiptVerification Verify(ReadOnlySpan<byte> utf8Json, AggregatedReceiptPolicy? policy = null)
    {
        policy ??= AggregatedReceiptPolicy.Default;
        var kind = AggregatedReceiptJson.ReadKind(utf8Json);
        try
        {
            if (kind == AggregatedReceipt.AggregatedKind)
            {
                return AggregatedReceiptVerifier.Verify(AggregatedReceiptJson.Parse(utf8Json), policy);
            }

            if (kind != SignedExecutionReceipt.ExecutorKind)
            {
                return new ReceiptVerification(ReceiptVerificationFailure.UnknownKind, $"kind '{kind}' is neither '{SignedExecutionReceipt.ExecutorKind}' nor '{AggregatedReceipt.AggregatedKind}'");
            }

            var signed = ReceiptJson.Parse(utf8Json);
            var check = ReceiptVerifier.VerifySigned(signed);
            return check.IsValid && policy.ExpectedProgramId is { } program && !string.Equals(program, signed.Receipt.ProgramId, StringComparison.Ordinal)
                ? new ReceiptVerification(ReceiptVerificationFailure.WrongProgram, $"the receipt names program '{signed.Receipt.ProgramId}', not '{program}'")
                : check;
        }
        catch (ReceiptFormatException e)
        {
            return new ReceiptVerification(ReceiptVerificationFailure.MalformedReceipt, e.Message);
        }
    }
}
