namespace Marketplace.GrainInterfaces;

/// <summary>What <see cref="ISettlement.SettleManyAsync"/> answers for one request: the settlement, or the error
/// <see cref="ISettlement.PayAsync"/> or <see cref="ISettlement.RefundAsync"/> would have thrown for it.</summary>
[GenerateSerializer]
[Alias("marketplace.job-settlement-outcome")]
[Immutable]
public sealed class JobSettlementOutcome
{
    /// <summary>The recorded settlement; null when <see cref="Error"/> is set.</summary>
    [Id(0)] public JobSettlement? Settlement { get; set; }

    /// <summary>Why this job was not settled; null when it was.</summary>
    [Id(1)] public Exception? Error { get; set; }
}
