namespace Marketplace.GrainInterfaces;

/// <summary>
/// A receipt that several workers stand by: each listed member whose bit is set in <see cref="SignerBitmap"/>
/// re-executed the job (or ran it first) and BLS-signed <see cref="ReceiptHash"/>; <see cref="AggregateSignature"/> is
/// the sum of those signatures, checked offline with FastAggregateVerify against the signers' keys.
/// </summary>
/// <remarks>
/// <see cref="Receipt"/> is the receipt of one run that got the settled result (the executor's when the executor is on
/// the majority side). Members are listed executor first, then the committee in draw order, then any re-run workers in
/// draw order; bit i of <see cref="SignerBitmap"/> (byte i / 8, bit i % 8, least significant first) stands for
/// <c>Members[i]</c>. <see cref="Threshold"/> is the count of signers the job required; a verifier applies its own
/// policy as well (a strict majority of the members, and keys it knows). Never changed once sent ([Immutable]).
/// </remarks>
[GenerateSerializer]
[Alias("marketplace.aggregated-receipt")]
[Immutable]
public sealed class AggregatedReceipt
{
    /// <summary>The kind of a receipt signed by a committee.</summary>
    public const string AggregatedKind = "aggregated";

    /// <summary>The form of the signature (<see cref="AggregatedKind"/>).</summary>
    [Id(0)] public string Kind { get; set; } = AggregatedKind;

    /// <summary>The receipt every signer signed the hash of.</summary>
    [Id(1)] public ExecutionReceipt Receipt { get; set; } = new();

    /// <summary><see cref="ReceiptCodec.Hash"/> of <see cref="Receipt"/>: the message every signer signed.</summary>
    [Id(2)] public byte[] ReceiptHash { get; set; } = [];

    /// <summary>Every worker that ran the job for this result's decision, signers or not.</summary>
    [Id(3)] public List<CommitteeMember> Members { get; set; } = [];

    /// <summary>Which members signed <see cref="ReceiptHash"/>: ⌈members / 8⌉ bytes, bit i for <c>Members[i]</c>.</summary>
    [Id(4)] public byte[] SignerBitmap { get; set; } = [];

    /// <summary>The aggregate of the signers' signatures, 96 bytes compressed (G2).</summary>
    [Id(5)] public byte[] AggregateSignature { get; set; } = [];

    /// <summary>Signers the job required before it took the result.</summary>
    [Id(6)] public int Threshold { get; set; }

    /// <summary>The worker key registry's epoch when the committee was drawn: the registry a verifier should check the
    /// members' keys against.</summary>
    [Id(7)] public long RegistryEpoch { get; set; }

    /// <summary>The seed of the committee draw (see grain-interfaces/Receipts/README.md, "Committee draw").</summary>
    [Id(8)] public byte[] DrawSeed { get; set; } = [];
}
