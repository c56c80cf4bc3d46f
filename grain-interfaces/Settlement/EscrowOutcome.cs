namespace Marketplace.GrainInterfaces;

/// <summary>What <see cref="ISettlement.EscrowManyAsync"/> answers for one request: the escrow, or the error
/// <see cref="ISettlement.EscrowAsync"/> would have thrown for it.</summary>
[GenerateSerializer]
[Alias("marketplace.escrow-outcome")]
[Immutable]
public sealed class EscrowOutcome
{
    /// <summary>The recorded escrow; null when <see cref="Error"/> is set.</summary>
    [Id(0)] public JobEscrow? Escrow { get; set; }

    /// <summary>Why this job was not escrowed; null when it was.</summary>
    [Id(1)] public Exception? Error { get; set; }
}
