namespace Marketplace.GrainInterfaces;

/// <summary>What a verifier of an <see cref="AggregatedReceipt"/> requires beyond the receipt itself
/// (<see cref="AggregatedReceiptVerifier"/>).</summary>
public sealed class AggregatedReceiptPolicy
{
    /// <summary>No registry, no expected program, at least one signer (and always a strict majority of the members).</summary>
    public static AggregatedReceiptPolicy Default { get; } = new();

    /// <summary>Signers the verifier requires at least, whatever the receipt's own threshold says (at least 1).</summary>
    public int MinimumSigners { get; init; } = 1;

    /// <summary>The worker key registry to check the members' keys and proofs of possession against; null: the keys
    /// in the receipt are taken as they are (the receipt then only proves that the holders of those keys signed).</summary>
    public WorkerKeyRegistry? Registry { get; init; }

    /// <summary>The program the receipt must name; null: any.</summary>
    public string? ExpectedProgramId { get; init; }

    /// <summary>The SHA-256 of the module the receipt must name (32 bytes); null: any.</summary>
    public byte[]? ExpectedWasmHash { get; init; }
}
