namespace Marketplace.GrainInterfaces;

/// <summary>One job's escrow in <see cref="ISettlement.EscrowManyAsync"/>: the arguments of
/// <see cref="ISettlement.EscrowAsync"/>.</summary>
[GenerateSerializer]
[Alias("marketplace.escrow-request")]
[Immutable]
public sealed class EscrowRequest
{
    /// <summary>The job.</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>The client that pays.</summary>
    [Id(1)] public string ClientId { get; set; } = "";

    /// <summary>The amount to escrow (<c>max_fuel × price</c>).</summary>
    [Id(2)] public UInt128 Amount { get; set; }
}
