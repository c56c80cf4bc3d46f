namespace Marketplace.GrainInterfaces;

/// <summary>
/// A job's terms for release on proof, signed by the account that escrowed it: the price per million fuel its
/// executor is paid at and how many registered workers must sign its receipt. Anyone holding them and the job's
/// receipt can release the escrow through the <c>ReceiptRelease</c> contract without the operator
/// (<c>marketplace claim --receipt r.json --terms t.json</c>).
/// </summary>
/// <remarks>
/// <see cref="ClientSignature"/> is the client account's EIP-191 signature (r ‖ s ‖ v, 65 bytes) of the contract's
/// <c>termsDigest(keccak-256 of the job id, price, threshold, committee fee percent)</c>, which binds the chain id and the contract's address,
/// so the terms count for this job on this deployment only.
/// </remarks>
[GenerateSerializer]
[Alias("marketplace.chain-job-terms")]
[Immutable]
public sealed class ChainJobTerms
{
    /// <summary>The job's marketplace id (the receipt's <c>job_id</c>).</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>The chain's id.</summary>
    [Id(1)] public long ChainId { get; set; }

    /// <summary>The <c>ReceiptRelease</c> contract's address (0x…).</summary>
    [Id(2)] public string ReceiptRelease { get; set; } = "";

    /// <summary>The account that escrowed the job on the chain (0x…): the signer of the terms.</summary>
    [Id(3)] public string Client { get; set; } = "";

    /// <summary>What the executor is paid per million fuel units (the winning bid's price).</summary>
    [Id(4)] public long PricePerMillionFuel { get; set; }

    /// <summary>How many registered workers must sign the receipt, the executor among them.</summary>
    [Id(5)] public int Threshold { get; set; }

    /// <summary>The client account's signature, 65 bytes.</summary>
    [Id(6)] public byte[] ClientSignature { get; set; } = [];

    /// <summary>The percent of the charge the signers other than the executor share (the settlement's committee fee).</summary>
    [Id(7)] public int CommitteeFeePercent { get; set; }
}
