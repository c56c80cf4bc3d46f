namespace Marketplace.GrainInterfaces;

/// <summary>
/// Where a receipt sits in the batch its worker signed once (<see cref="ReceiptBatch"/>): the batch's sequence number,
/// size and Merkle root, the receipt's leaf index and the sibling hashes from its leaf up to the root. The worker's
/// signature is then over <see cref="ReceiptBatch.SigningHash(long, int, ReadOnlySpan{byte})"/> of (sequence, size, root), not over the receipt hash.
/// </summary>
/// <remarks>A receipt signed alone carries no batch (<see cref="SignedExecutionReceipt.Batch"/> is null): a batch of
/// one is the plain receipt. Never changed once sent ([Immutable]).</remarks>
[GenerateSerializer]
[Alias("marketplace.receipt-batch-proof")]
[Immutable]
public sealed class ReceiptBatchProof
{
    /// <summary>The worker's batch sequence number, from 1, strictly increasing over the worker's life: the worker never
    /// signs two different roots under one sequence number.</summary>
    [Id(0)] public long Sequence { get; set; }

    /// <summary>How many receipts the batch holds (2 to <see cref="ReceiptBatch.MaxSize"/>).</summary>
    [Id(1)] public int Size { get; set; }

    /// <summary>The receipt's leaf index in the batch, from 0.</summary>
    [Id(2)] public int Index { get; set; }

    /// <summary>The audit path: the sibling hashes from the leaf up to the root, 32 bytes each, concatenated.</summary>
    [Id(3)] public byte[] Path { get; set; } = [];

    /// <summary>The batch's Merkle root, 32 bytes.</summary>
    [Id(4)] public byte[] Root { get; set; } = [];
}
