using Marketplace.Chain.Contracts;

namespace Marketplace.Grains.Settlement;

/// <summary>The compiled contracts of contracts/build (ABI and creation code), embedded in this assembly.</summary>
public static class SettlementContracts
{
    private static readonly Lazy<ContractArtifact> EscrowArtifact = new(() => Load("Escrow.json"));
    private static readonly Lazy<ContractArtifact> StakingArtifact = new(() => Load("Staking.json"));
    private static readonly Lazy<ContractArtifact> TokenArtifact = new(() => Load("MarketToken.json"));
    private static readonly Lazy<ContractArtifact> ReceiptReleaseArtifact = new(() => Load("ReceiptRelease.json"));

    /// <summary><c>Escrow</c>: per-job escrow, single and batched release, refunds, pull balances.</summary>
    public static ContractArtifact Escrow => EscrowArtifact.Value;

    /// <summary><c>Staking</c>: worker stake, delayed unstake, slashing by evidence.</summary>
    public static ContractArtifact Staking => StakingArtifact.Value;

    /// <summary><c>MarketToken</c>: the ERC-20 of development chains (the owner mints).</summary>
    public static ContractArtifact MarketToken => TokenArtifact.Value;

    /// <summary><c>ReceiptRelease</c>: a job's escrow released on its receipt signed by the job's threshold of
    /// registered workers (<see cref="ReceiptReleaseCall"/> encodes the call).</summary>
    public static ContractArtifact ReceiptRelease => ReceiptReleaseArtifact.Value;

    private static ContractArtifact Load(string name)
    {
        using var stream = typeof(SettlementContracts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The contract artifact {name} is not embedded in {typeof(SettlementContracts).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return ContractArtifact.Parse(reader.ReadToEnd());
    }
}
