using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Storage;

/// <summary>The storage market's log events (event ids 5850-5899).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = MarketplaceEventIds.StorageFragmentStored, Level = LogLevel.Debug, Message = "Storage provider {ProviderId} stored fragment {Index} of deal {DealId} ({Bytes} bytes)")]
    public static partial void FragmentStored(ILogger log, string providerId, string dealId, int index, int bytes);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageAuditFailed, Level = LogLevel.Warning, Message = "Storage deal {DealId}: fragment {Index} on provider {ProviderId} failed its audit: {Health}")]
    public static partial void AuditFailed(ILogger log, string dealId, int index, string providerId, string health);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageRepaired, Level = LogLevel.Information, Message = "Storage deal {DealId}: fragment {Index} rebuilt onto provider {ProviderId}")]
    public static partial void Repaired(ILogger log, string dealId, int index, string providerId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageStateChanged, Level = LogLevel.Information, Message = "Storage deal {DealId} is now {State}: {Reason}")]
    public static partial void StateChanged(ILogger log, string dealId, string state, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageProviderPenalised, Level = LogLevel.Warning, Message = "Storage deal {DealId}: provider {ProviderId} penalised for fragment {Index}: {Kind} ({Reference}), {Slashed} slashed")]
    public static partial void ProviderPenalised(ILogger log, string dealId, int index, string providerId, string kind, string reference, string slashed);

    [LoggerMessage(EventId = MarketplaceEventIds.StoragePenaltyFailed, Level = LogLevel.Warning, Message = "Storage deal {DealId}: the penalty of provider {ProviderId} for fragment {Index} could not be recorded")]
    public static partial void PenaltyFailed(ILogger log, Exception exception, string dealId, int index, string providerId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageFragmentCommitted, Level = LogLevel.Debug, Message = "Storage provider {ProviderId} committed fragment {Index} of deal {DealId}")]
    public static partial void FragmentCommitted(ILogger log, string providerId, string dealId, int index);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageUploadFailed, Level = LogLevel.Warning, Message = "Storage deal {DealId}: a fragment write could not be dropped after a failed upload")]
    public static partial void UploadCleanupFailed(ILogger log, string dealId, Exception exception);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageAdvertiseFailed, Level = LogLevel.Warning, Message = "Storage provider {ProviderId} could not announce itself on the capabilities stream")]
    public static partial void AdvertiseFailed(ILogger log, Exception exception, string providerId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageEndDeleteFailed, Level = LogLevel.Warning, Message = "Storage deal {DealId} ended: provider {ProviderId} could not delete fragment {Index}")]
    public static partial void EndDeleteFailed(ILogger log, Exception exception, string dealId, int index, string providerId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageUploadDropped, Level = LogLevel.Information, Message = "Storage deal {DealId}: the upload under way was dropped ({Reason}); the deal stays placing")]
    public static partial void UploadDropped(ILogger log, string dealId, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageDealShared, Level = LogLevel.Information, Message = "Storage deal {DealId}: its blob is shared with {ClientId}")]
    public static partial void DealShared(ILogger log, string dealId, string clientId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageDealUnshared, Level = LogLevel.Information, Message = "Storage deal {DealId}: its blob is no longer shared with {ClientId}")]
    public static partial void DealUnshared(ILogger log, string dealId, string clientId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageDealPublicChanged, Level = LogLevel.Information, Message = "Storage deal {DealId}: its blob is public: {Public}")]
    public static partial void DealPublicChanged(ILogger log, string dealId, bool @public);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageDealUnlistFailed, Level = LogLevel.Warning, Message = "Storage deal {DealId} stays listed as shared though it grants nothing now: its blob's index did not answer")]
    public static partial void UnlistFailed(ILogger log, Exception exception, string dealId);
}
