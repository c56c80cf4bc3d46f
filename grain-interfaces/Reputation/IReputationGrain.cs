namespace Marketplace.GrainInterfaces;

/// <summary>
/// One worker's reputation (key = worker id): the events that happened to it, the score computed from them
/// (<see cref="ReputationScore"/>) and its ban. The job flow records events; matching reads the score and ban from
/// the worker's profile, which this grain refreshes when they change.
/// </summary>
public interface IReputationGrain : IGrainWithStringKey
{
    /// <summary>Records <paramref name="reputationEvent"/> and returns true, or returns false when an event with its id
    /// was recorded already (or is older than the events folded into the checkpoint, where its id can no longer be
    /// told apart). Throws <see cref="InvalidRequestException"/> for an event that names another worker, has no id or
    /// an over-long one, an unknown kind, a negative latency, a hash that is not hex, or a time more than a few
    /// minutes ahead.</summary>
    Task<bool> RecordAsync(ReputationEvent reputationEvent);

    /// <summary>Most events <see cref="RecordManyAsync"/> takes in one call.</summary>
    const int MaxEventsPerCall = 64;

    /// <summary>Records up to <see cref="MaxEventsPerCall"/> events of this worker as <see cref="RecordAsync"/> would,
    /// in order, with one write of the grain's state for all of them, and answers one outcome per event. When the write
    /// fails none of them is recorded and the call throws.</summary>
    /// <exception cref="InvalidRequestException">More than <see cref="MaxEventsPerCall"/> events, or none.</exception>
    Task<ReputationRecordOutcome[]> RecordManyAsync(ReputationEvent[] events);

    /// <summary>The reputation now.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<WorkerReputation> GetAsync();

    /// <summary>Up to <paramref name="limit"/> (1 to <see cref="PageLimits.Max"/> + 1) kept events with a sequence
    /// number above <paramref name="after"/> (null: from the first kept), oldest first.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<ReputationEventPage> GetEventsAsync(long? after, int limit);
}
