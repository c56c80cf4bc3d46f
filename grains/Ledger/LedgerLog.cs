using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Ledger;

/// <summary>The ledger's log events (category <c>Marketplace.Grains.Ledger</c>, event ids 5700-5799).</summary>
internal sealed partial class LedgerLog(ILogger logger)
{
    /// <summary>The log category.</summary>
    public const string Category = "Marketplace.Grains.Ledger";

    [LoggerMessage(EventId = MarketplaceEventIds.LedgerWriteFailed, Level = LogLevel.Error, Message = "Ledger {Key}: writing entry {Sequence} failed; the activation is dropped so the next call reloads the stored ledger")]
    public partial void WriteFailed(Exception exception, string key, long sequence);

    [LoggerMessage(EventId = MarketplaceEventIds.LedgerSlashed, Level = LogLevel.Warning, Message = "Ledger {Key}: worker {WorkerId} slashed {Amount} ({Reason}, {Percent} %) for evidence {EvidenceHash}")]
    public partial void Slashed(string key, string workerId, string amount, string reason, int percent, string evidenceHash);

    [LoggerMessage(EventId = MarketplaceEventIds.LedgerJournalCompacted, Level = LogLevel.Debug, Message = "Ledger {Key}: journal compacted through entry {Sequence}")]
    public partial void JournalCompacted(string key, long sequence);
}
