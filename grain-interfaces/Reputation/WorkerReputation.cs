namespace Marketplace.GrainInterfaces;

/// <summary>A worker's reputation as matching uses it and the API shows it (<c>GET /v1/workers/{id}/reputation</c>).</summary>
[GenerateSerializer]
[Alias("marketplace.worker-reputation")]
public sealed class WorkerReputation
{
    /// <summary>The worker.</summary>
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>The score in [0, 1] at <see cref="EvaluatedAt"/> (<see cref="ReputationScore"/>).</summary>
    [Id(1)] public double Score { get; set; }

    /// <summary>When the score was computed.</summary>
    [Id(2)] public DateTimeOffset EvaluatedAt { get; set; }

    /// <summary>Events of each kind over the worker's whole history.</summary>
    [Id(3)] public ReputationCounts Counts { get; set; } = new();

    /// <summary>Mean latency of its successes, milliseconds (0: none).</summary>
    [Id(4)] public double MeanLatencyMs { get; set; }

    /// <summary>Mean latency of its last <see cref="RecentLatencyWindow"/> kept successes, milliseconds (0: none).</summary>
    [Id(5)] public double RecentLatencyMs { get; set; }

    /// <summary>End of the worker's ban; null when it is not banned (a ban that ended is not shown).</summary>
    [Id(6)] public DateTimeOffset? BannedUntil { get; set; }

    /// <summary>Why the worker is banned; null when it is not.</summary>
    [Id(7)] public string? BanReason { get; set; }

    /// <summary>Events recorded over the worker's whole history.</summary>
    [Id(8)] public long EventCount { get; set; }

    /// <summary>The constants the score was computed with.</summary>
    [Id(9)] public ReputationScoreParameters Parameters { get; set; } = new();

    /// <summary>The folded older events the score includes (<see cref="ReputationScore"/>).</summary>
    [Id(10)] public ReputationCheckpoint Checkpoint { get; set; } = new();

    /// <summary>Successes <see cref="RecentLatencyMs"/> averages over.</summary>
    public const int RecentLatencyWindow = 16;

    /// <summary>True while <see cref="BannedUntil"/> is after <paramref name="now"/>.</summary>
    public bool IsBannedAt(DateTimeOffset now) => BannedUntil is { } until && until > now;
}
