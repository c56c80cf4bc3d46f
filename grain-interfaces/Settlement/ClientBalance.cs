namespace Marketplace.GrainInterfaces;

/// <summary>A client's funds (<see cref="ISettlement.GetBalanceAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.client-balance")]
[Immutable]
public sealed class ClientBalance
{
    /// <summary>The client.</summary>
    [Id(0)] public string ClientId { get; set; } = "";

    /// <summary>What it may escrow or withdraw.</summary>
    [Id(1)] public UInt128 Available { get; set; }

    /// <summary>The sum of its open (unsettled) job escrows.</summary>
    [Id(2)] public UInt128 Escrowed { get; set; }
}
