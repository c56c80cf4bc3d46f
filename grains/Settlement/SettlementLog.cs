using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Settlement;

/// <summary>The chain settlement's log events (category <c>Marketplace.Grains.Settlement</c>, event ids 5750-5799).
/// No event carries a key.</summary>
internal sealed partial class SettlementLog(ILogger logger)
{
    /// <summary>The log category.</summary>
    public const string Category = "Marketplace.Grains.Settlement";

    [LoggerMessage(EventId = MarketplaceEventIds.ChainSettlementWriteFailed, Level = LogLevel.Error, Message = "Chain settlement: writing the state at entry {Sequence} failed; the activation is dropped so the next call reloads the stored outbox")]
    public partial void WriteFailed(Exception exception, long sequence);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainTransactionDropped, Level = LogLevel.Warning, Message = "Chain settlement: transaction {Hash} ({Key}) was dropped, its nonce {Nonce} used by another transaction; it never ran")]
    public partial void TransactionDropped(string hash, string key, ulong nonce);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainBatchSent, Level = LogLevel.Information, Message = "Chain settlement: batch {Number} of {Jobs} jobs sent as {Hash}")]
    public partial void BatchSent(long number, int jobs, string hash);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainBatchConfirmed, Level = LogLevel.Information, Message = "Chain settlement: batch {Number} confirmed as contract batch {ChainBatchId}: {Jobs} jobs, {GasUsed} gas")]
    public partial void BatchConfirmed(long number, ulong chainBatchId, int jobs, ulong gasUsed);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainBatchNotApplied, Level = LogLevel.Warning, Message = "Chain settlement: batch {Number} ({Hash}) was {What}; its jobs go back to the queue")]
    public partial void BatchNotApplied(long number, string hash, string what);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainBatchFailed, Level = LogLevel.Warning, Message = "Chain settlement: sending batches failed with {Queued} jobs queued; retrying after the batch interval")]
    public partial void BatchFailed(Exception exception, int queued);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainBatchRootMismatch, Level = LogLevel.Error, Message = "Chain settlement: batch {Number}'s Merkle root computed here is {Expected}, the contract recorded {Actual}")]
    public partial void BatchRootMismatch(long number, string expected, string actual);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainSettlementDiverged, Level = LogLevel.Error, Message = "Chain settlement: job {JobId} (index {JobIndex}) was {Recorded} here but is {OnChain} on the chain")]
    public partial void SettlementDiverged(string jobId, ulong jobIndex, string recorded, string onChain);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainRefundedOnChain, Level = LogLevel.Warning, Message = "Chain settlement: job {JobId} (index {JobIndex}) was refunded on the chain after its deadline, without the marketplace")]
    public partial void RefundedOnChain(string jobId, ulong jobIndex);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainEventScanFailed, Level = LogLevel.Warning, Message = "Chain settlement: reading the Escrow's events failed ({Reason}); the next poll retries from the same block")]
    public partial void EventScanFailed(string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainTransactionUnmined, Level = LogLevel.Warning, Message = "Chain settlement: transaction {Hash} ({Key}) was mined and then left the chain before its confirmations; it is sent again")]
    public partial void TransactionUnmined(string hash, string key);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainTransactionUnderpriced, Level = LogLevel.Warning, Message = "Chain settlement: the node refused transaction {Hash} ({Key}) for its fees ({Reason}); it is replaced with higher fees after ReplaceAfter")]
    public partial void TransactionUnderpriced(string hash, string key, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainTransactionReplaced, Level = LogLevel.Warning, Message = "Chain settlement: transaction {Replaced} ({Key}, nonce {Nonce}) had no receipt in time; replaced by {Hash} with a max fee of {MaxFeePerGas} wei")]
    public partial void TransactionReplaced(string replaced, string hash, string key, ulong nonce, string maxFeePerGas);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainSlashed, Level = LogLevel.Warning, Message = "Chain settlement: worker {WorkerId} slashed {Amount} ({Reason}, {Percent} %) for evidence {EvidenceHash}")]
    public partial void Slashed(string workerId, string amount, string reason, int percent, string evidenceHash);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainDeploymentUnchecked, Level = LogLevel.Warning, Message = "Chain settlement: the node at {RpcUrl} did not answer at start ({Reason}); the contracts' addresses were not checked, and settlement calls retry until it answers")]
    public partial void DeploymentUnchecked(string rpcUrl, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainSettledJobsNotMoved, Level = LogLevel.Warning, Message = "Chain settlement: {Failed} of {Count} settled jobs could not be moved to their own records ({Reason}); they stay in the settlement's record and are moved on a later write")]
    public partial void SettledJobsNotMoved(int failed, int count, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainWorkerKeyNotRegistered, Level = LogLevel.Warning, Message = "Chain settlement: worker {WorkerId}'s BLS key is not registered on chain ({Reason}); it stakes without it, and payments by proof cannot name it")]
    public partial void WorkerKeyNotRegistered(string workerId, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.ChainJournalPageNotRemoved, Level = LogLevel.Warning, Message = "Chain settlement: the dropped journal page starting at entry {First} could not be removed; nothing reads it")]
    public partial void JournalPageNotRemoved(Exception e, long first);
}
