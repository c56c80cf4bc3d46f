namespace Marketplace.GrainInterfaces;

/// <summary>
/// The settlement chain could not be reached or did not answer in time; nothing recorded was lost, and the call may be
/// retried (the outbox sends the same transactions or finds their receipts; a submit with the same request id takes
/// its escrow up again). Not a <see cref="MarketplaceException"/>: it is transient, never a refusal. The HTTP API
/// answers it 503 <c>unavailable</c>. It carries the cause's message only (the chain client's exceptions do not cross
/// silos).
/// </summary>
[GenerateSerializer]
[Alias("marketplace.chain-settlement-unavailable")]
public sealed class ChainSettlementUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChainSettlementUnavailableException(string message)
        : base(message)
    {
    }
}
