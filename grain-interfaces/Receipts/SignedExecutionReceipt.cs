namespace Marketplace.GrainInterfaces;

/// <summary>
/// A receipt with its hash and the executing worker's BLS signature over that hash: the body of
/// <c>GET /v1/jobs/{id}/receipt</c> and of a <c>receipt.json</c> file, checked offline by <see cref="ReceiptVerifier"/>.
/// </summary>
/// <remarks>
/// <see cref="Kind"/> names the form: <see cref="ExecutorKind"/> is one executor's signature. An aggregated form
/// (a committee's signers and their aggregate signature over the same receipt hash) will be another kind with its own
/// members, so readers dispatch on <see cref="Kind"/> before anything else. Never changed once sent ([Immutable]).
/// </remarks>
[GenerateSerializer]
[Alias("marketplace.signed-execution-receipt")]
[Immutable]
public sealed class SignedExecutionReceipt
{
    /// <summary>The kind of a receipt signed by the worker that ran it.</summary>
    public const string ExecutorKind = "executor";

    /// <summary>The form of the signature (<see cref="ExecutorKind"/>).</summary>
    [Id(0)] public string Kind { get; set; } = ExecutorKind;

    /// <summary>The receipt.</summary>
    [Id(1)] public ExecutionReceipt Receipt { get; set; } = new();

    /// <summary><see cref="ReceiptCodec.Hash"/> of <see cref="Receipt"/>, 32 bytes.</summary>
    [Id(2)] public byte[] ReceiptHash { get; set; } = [];

    /// <summary>The worker's BLS12-381 public key (G1, 48 bytes compressed), as the worker registered it.</summary>
    [Id(3)] public byte[] WorkerPublicKey { get; set; } = [];

    /// <summary>The worker's BLS signature (G2, 96 bytes compressed), in the proof-of-possession ciphersuite
    /// <c>BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_</c>: over the 32-byte <see cref="ReceiptHash"/> when the receipt
    /// was signed alone, over <see cref="ReceiptBatch.SigningHash(ReceiptBatchProof)"/> when it carries a
    /// <see cref="Batch"/>.</summary>
    [Id(4)] public byte[] Signature { get; set; } = [];

    /// <summary>The batch the worker signed this receipt in, with the receipt's inclusion proof; null for a receipt
    /// signed alone (the JSON member <c>batch</c> is then absent).</summary>
    [Id(5)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ReceiptBatchProof? Batch { get; set; }

    /// <summary>The 32 bytes <see cref="Signature"/> is over: the batch's signing hash when the receipt carries a batch,
    /// else the receipt hash. It does not check the batch proof; <see cref="ReceiptVerifier"/> does.</summary>
    public byte[] SignedMessage() => Batch is { } batch ? ReceiptBatch.SigningHash(batch) : ReceiptHash;
}
