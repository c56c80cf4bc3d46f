namespace Marketplace.GrainInterfaces;

/// <summary>What a receipt's signature is over, once its batch proof (if any) has been followed to the root.</summary>
internal static class BatchInclusion
{
    /// <summary>
    /// The 32 bytes the signature must verify over: <paramref name="receiptHash"/> itself when
    /// <paramref name="batch"/> is null, else the batch's signing hash after the audit path led from the receipt hash
    /// to the root the batch names. Null with <paramref name="failure"/> and <paramref name="detail"/> set when the
    /// batch is malformed or the path leads elsewhere.
    /// </summary>
    public static byte[]? SignedMessage(byte[] receiptHash, ReceiptBatchProof? batch, out ReceiptVerificationFailure failure, out string detail)
    {
        failure = ReceiptVerificationFailure.None;
        detail = "";
        if (batch is null)
        {
            return receiptHash;
        }

        if (batch.Sequence < 1 || batch.Size is < 2 or > ReceiptBatch.MaxSize || batch.Index < 0 || batch.Index >= batch.Size
            || batch.Root is not { Length: ReceiptCodec.HashBytes } || batch.Path is null || batch.Path.Length % ReceiptCodec.HashBytes != 0)
        {
            failure = ReceiptVerificationFailure.MalformedBatch;
            detail = $"batch sequence {batch.Sequence}, size {batch.Size}, index {batch.Index}, root of {batch.Root?.Length ?? 0} bytes and path of {batch.Path?.Length ?? 0} bytes do not describe a batch (sequence >= 1, size 2-{ReceiptBatch.MaxSize}, index below size, 32-byte root and path hashes)";
            return null;
        }

        var root = ReceiptBatch.RootFromPath(receiptHash, batch.Index, batch.Size, batch.Path);
        if (root is null)
        {
            failure = ReceiptVerificationFailure.MalformedBatch;
            detail = $"batch path of {batch.Path.Length / ReceiptCodec.HashBytes} hashes does not fit leaf {batch.Index} of a batch of {batch.Size}";
            return null;
        }

        if (!root.AsSpan().SequenceEqual(batch.Root))
        {
            failure = ReceiptVerificationFailure.BadBatchProof;
            detail = $"the batch path leads from receipt hash {Convert.ToHexStringLower(receiptHash)} to root {Convert.ToHexStringLower(root)}, not to the batch root {Convert.ToHexStringLower(batch.Root)}";
            return null;
        }

        return ReceiptBatch.SigningHash(batch);
    }
}
