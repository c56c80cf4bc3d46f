using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// Records the job flow's reputation events on the workers' <see cref="IReputationGrain"/>s for every job of a silo.
/// Recording never fails a job: an unreachable reputation grain, or one that refuses the event, is logged and the job
/// goes on (the event is lost; a retried attempt records its own).
/// </summary>
internal sealed partial class JobReputationRecorder(GrainReferences<IReputationGrain> reputations, ILogger<JobReputationRecorder> logger)
{
    /// <summary>Records <paramref name="reputationEvent"/>; null when it was recorded (or already had been), else why
    /// it was not.</summary>
    public async Task<string?> RecordAsync(ReputationEvent reputationEvent)
    {
        try
        {
            await reputations.Get(reputationEvent.WorkerId).RecordAsync(reputationEvent);
            return null;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or MarketplaceException)
        {
            LogNotRecorded(logger, e, reputationEvent.EventId, reputationEvent.WorkerId);
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    [LoggerMessage(EventId = MarketplaceEventIds.ReputationNotRecorded, Level = LogLevel.Warning, Message = "Reputation event {EventId} of worker {WorkerId} was not recorded; the job goes on")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string eventId, string workerId);
}
