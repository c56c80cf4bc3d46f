namespace Marketplace.GrainInterfaces;

/// <summary>A worker's stake and earnings (<see cref="ISettlement.GetStakeAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.worker-stake")]
[Immutable]
public sealed class WorkerStake
{
    /// <summary>The worker.</summary>
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>Bonded stake: what counts for matching.</summary>
    [Id(1)] public UInt128 Bonded { get; set; }

    /// <summary>Stake waiting for release, oldest request first.</summary>
    [Id(2)] public List<UnbondingStake> Unbonding { get; set; } = [];

    /// <summary>Earned from payments and committee fees, not yet withdrawn.</summary>
    [Id(3)] public UInt128 Earnings { get; set; }

    /// <summary>The minimum stake of the settlement's terms.</summary>
    [Id(4)] public UInt128 MinimumStake { get; set; }

    /// <summary>True when <see cref="Bonded"/> reaches <see cref="MinimumStake"/>.</summary>
    [Id(5)] public bool MeetsMinimum { get; set; }
}

/// <summary>One unstake request waiting for its release time.</summary>
[GenerateSerializer]
[Alias("marketplace.unbonding-stake")]
[Immutable]
public sealed class UnbondingStake
{
    /// <summary>The unstake's operation id.</summary>
    [Id(0)] public string UnstakeId { get; set; } = "";

    /// <summary>What is left of it (a slash may have taken part).</summary>
    [Id(1)] public UInt128 Amount { get; set; }

    /// <summary>When <see cref="ISettlement.WithdrawUnstakedAsync"/> may pay it out.</summary>
    [Id(2)] public DateTimeOffset ReleaseAt { get; set; }
}
