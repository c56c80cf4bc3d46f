namespace Marketplace.GrainInterfaces;

/// <summary>
/// The constants of <see cref="ReputationScore"/>: the prior, the half-life of the decay and the weight of each kind
/// of event. A <see cref="WorkerReputation"/> carries the parameters its score was computed with, so anyone can
/// recompute it from the events.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.reputation-score-parameters")]
public sealed class ReputationScoreParameters
{
    /// <summary>The score of a worker with no history (default 0.8).</summary>
    [Id(0)] public double Prior { get; set; } = 0.8;

    /// <summary>How many fresh events the prior weighs as (default 5): it never decays, so a worker's score drifts
    /// back to the prior as its events age.</summary>
    [Id(1)] public double PriorWeight { get; set; } = 5;

    /// <summary>Age at which an event counts half (default 7 days).</summary>
    [Id(2)] public TimeSpan HalfLife { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Weight of a success, counted as good (default 1).</summary>
    [Id(3)] public double SuccessWeight { get; set; } = 1;

    /// <summary>Weight of a verified result, counted as good (default 2).</summary>
    [Id(4)] public double VerifiedResultWeight { get; set; } = 2;

    /// <summary>Weight of a failure, counted as bad (default 1).</summary>
    [Id(5)] public double FailureWeight { get; set; } = 1;

    /// <summary>Weight of a timeout, counted as bad (default 2).</summary>
    [Id(6)] public double TimeoutWeight { get; set; } = 2;

    /// <summary>Weight of an unavailability, counted as bad (default 1).</summary>
    [Id(7)] public double UnavailableWeight { get; set; } = 1;

    /// <summary>Weight of a wrong result, counted as bad (default 5).</summary>
    [Id(8)] public double WrongResultWeight { get; set; } = 5;

    /// <summary>Weight of a double sign, counted as bad once <see cref="DoubleSignZeroFor"/> has passed (default 10).</summary>
    [Id(9)] public double DoubleSignWeight { get; set; } = 10;

    /// <summary>How long a double sign holds the score at 0 (default 30 days).</summary>
    [Id(10)] public TimeSpan DoubleSignZeroFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The weight of <paramref name="kind"/> and whether it counts as good.</summary>
    public (double Weight, bool Good) WeightOf(ReputationEventKind kind) => kind switch
    {
        ReputationEventKind.Success => (SuccessWeight, true),
        ReputationEventKind.VerifiedResult => (VerifiedResultWeight, true),
        ReputationEventKind.Failure => (FailureWeight, false),
        ReputationEventKind.Timeout => (TimeoutWeight, false),
        ReputationEventKind.Unavailable => (UnavailableWeight, false),
        ReputationEventKind.WrongResult => (WrongResultWeight, false),
        ReputationEventKind.DoubleSign => (DoubleSignWeight, false),
        _ => (0, false),
    };
}
