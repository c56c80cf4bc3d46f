using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Reputation;

/// <summary>Reputation's log events (category <c>Marketplace.Grains.Reputation</c>, event ids 5800-5899).</summary>
internal sealed partial class ReputationLog(ILogger logger)
{
    /// <summary>The log category.</summary>
    public const string Category = "Marketplace.Grains.Reputation";

    [LoggerMessage(EventId = MarketplaceEventIds.ReputationWriteFailed, Level = LogLevel.Error, Message = "Reputation of worker {WorkerId}: writing event {Sequence} failed; the activation is dropped so the next call reloads the stored record")]
    public partial void WriteFailed(Exception exception, string workerId, long sequence);

    [LoggerMessage(EventId = MarketplaceEventIds.ReputationBanned, Level = LogLevel.Warning, Message = "Worker {WorkerId} banned until {BannedUntil:O}: {Reason}")]
    public partial void Banned(string workerId, DateTimeOffset bannedUntil, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.ReputationEventTooOld, Level = LogLevel.Debug, Message = "Reputation of worker {WorkerId}: event {EventId} at {Time:O} is older than the checkpoint ({CheckpointAt:O}) and is not recorded")]
    public partial void EventTooOld(string workerId, string eventId, DateTimeOffset time, DateTimeOffset checkpointAt);

    [LoggerMessage(EventId = MarketplaceEventIds.ReputationPageMissing, Level = LogLevel.Error, Message = "Reputation of worker {WorkerId}: page {Page} of kept events is named by the record but not stored; its events are left out of the score")]
    public partial void PageMissing(string workerId, long page);

    [LoggerMessage(EventId = MarketplaceEventIds.ReputationPageNotRemoved, Level = LogLevel.Warning, Message = "Reputation of worker {WorkerId}: page {Page}, whose events are all folded, could not be removed; it is left in storage and never read")]
    public partial void PageNotRemoved(Exception exception, string workerId, long page);
}
