namespace Marketplace.GrainInterfaces;

/// <summary>One thing that happened to a worker, as its <see cref="IReputationGrain"/> records it. Recording is
/// idempotent by <see cref="EventId"/>.</summary>
/// <remarks>Never changed once recorded ([Immutable]).</remarks>
[GenerateSerializer]
[Alias("marketplace.reputation-event")]
[Immutable]
public sealed class ReputationEvent
{
    /// <summary>Longest event id accepted, in characters.</summary>
    public const int MaxEventIdLength = 128;

    /// <summary>Longest justifying hash accepted, in hex characters (a 64-byte hash).</summary>
    public const int MaxHashLength = 128;

    /// <summary>The event's id, unique per worker; the job flow derives it from job id, attempt and kind
    /// (<see cref="ReputationEventIds"/>), so a retried record counts once.</summary>
    [Id(0)] public string EventId { get; init; } = "";

    /// <summary>The worker it is about (the key of the grain that records it).</summary>
    [Id(1)] public string WorkerId { get; init; } = "";

    /// <summary>What happened.</summary>
    [Id(2)] public ReputationEventKind Kind { get; init; }

    /// <summary>The job it happened in; empty for events not tied to a job.</summary>
    [Id(3)] public string JobId { get; init; } = "";

    /// <summary>When it happened. Left at its default, the recording grain stamps it with its own clock.</summary>
    [Id(4)] public DateTimeOffset Time { get; init; }

    /// <summary>For a <see cref="ReputationEventKind.Success"/>: how long the run took, milliseconds; 0 otherwise.</summary>
    [Id(5)] public long LatencyMs { get; init; }

    /// <summary>The hash that justifies the event, lowercase hex (the receipt hash of a success or of a rejected
    /// report, the evidence hash of a wrong result or double sign); null when there is none.</summary>
    [Id(6)] public string? Hash { get; init; }

    /// <summary>The event's position in the worker's history (1, 2, ...), assigned when it is recorded.</summary>
    [Id(7)] public long Sequence { get; init; }
}
