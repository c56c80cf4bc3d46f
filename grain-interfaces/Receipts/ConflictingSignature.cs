namespace Marketplace.GrainInterfaces;

/// <summary>One half of a <see cref="DoubleSignEvidence"/>: a receipt, its hash and a BLS signature over that hash by
/// the evidence's key.</summary>
[GenerateSerializer]
[Alias("marketplace.conflicting-signature")]
[Immutable]
public sealed class ConflictingSignature
{
    /// <summary>The receipt whose hash was signed (it may name another worker: a committee member signs the
    /// executor's receipt hash).</summary>
    [Id(0)] public ExecutionReceipt Receipt { get; set; } = new();

    /// <summary><see cref="ReceiptCodec.Hash"/> of <see cref="Receipt"/>, 32 bytes.</summary>
    [Id(1)] public byte[] ReceiptHash { get; set; } = [];

    /// <summary>The BLS signature (96 bytes compressed, G2) over <see cref="ReceiptHash"/>, or over the batch's
    /// signing hash when <see cref="Batch"/> is set.</summary>
    [Id(2)] public byte[] Signature { get; set; } = [];

    /// <summary>The batch the receipt was signed in, with its inclusion proof; null (absent in JSON) for a receipt
    /// signed alone.</summary>
    [Id(3)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ReceiptBatchProof? Batch { get; set; }
}
