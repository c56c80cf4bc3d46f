namespace Marketplace.GrainInterfaces;

/// <summary>A page of a worker's kept reputation events, oldest first, as its grain returns it; the API wraps it in a
/// cursor (<see cref="Listings.ReputationEventsAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.reputation-event-page")]
public sealed class ReputationEventPage
{
    /// <summary>The events.</summary>
    [Id(0)] public List<ReputationEvent> Events { get; set; } = [];

    /// <summary>The sequence number of the last event returned when more follow; null on the last page.</summary>
    [Id(1)] public long? Next { get; set; }
}
