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

    /// <summary>The worker's BLS signature (G2, 96 bytes compressed) over the 32-byte <see cref="ReceiptHash"/>, in the
    /// proof-of-possession ciphersuite <c>BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_</c>.</summary>
    [Id(4)] public byte[] Signature { get; set; } = [];
}
