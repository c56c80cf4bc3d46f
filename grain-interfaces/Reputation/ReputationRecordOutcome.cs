namespace Marketplace.GrainInterfaces;

/// <summary>What <see cref="IReputationGrain.RecordManyAsync"/> answers for one event: what
/// <see cref="IReputationGrain.RecordAsync"/> would have returned, or the refusal it would have thrown.</summary>
[GenerateSerializer]
[Alias("marketplace.reputation-record-outcome")]
[Immutable]
public sealed class ReputationRecordOutcome
{
    /// <summary>True when the event was recorded now; false when it had been already (or is older than the
    /// checkpoint), or was refused (<see cref="Error"/>).</summary>
    [Id(0)] public bool Recorded { get; set; }

    /// <summary>Why the event was refused (an <see cref="InvalidRequestException"/>'s message); null otherwise.</summary>
    [Id(1)] public string? Error { get; set; }
}
