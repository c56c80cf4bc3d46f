namespace Marketplace.GrainInterfaces;

/// <summary>
/// A worker's reputation score, a pure function of its checkpoint, its kept events and the time of evaluation
/// (grains/Reputation/README.md):
/// <code>
/// decay(e)  = 2^(−max(0, t − e.Time) / HalfLife)
/// good      = Prior · PriorWeight + Σ_good e  weight(e) · decay(e) + checkpoint.GoodWeight · 2^(−max(0, t − checkpoint.At) / HalfLife)
/// all       =         PriorWeight + Σ_all  e  weight(e) · decay(e) + checkpoint.Weight     · 2^(−max(0, t − checkpoint.At) / HalfLife)
/// score     = good / all, clamped to [0, 1]
/// </code>
/// except that a double sign less than <see cref="ReputationScoreParameters.DoubleSignZeroFor"/> old makes the score 0.
/// Good events are successes and verified results; every other kind is bad and adds weight to <c>all</c> only. The
/// prior never decays, so as a worker's events age its score returns to the prior. Events are summed in the order
/// given (the grain's sequence order), so a recomputation from the same inputs gives the same bits.
/// </summary>
public static class ReputationScore
{
    /// <summary>The score at <paramref name="at"/>.</summary>
    public static double Of(ReputationScoreParameters parameters, ReputationCheckpoint? checkpoint, IReadOnlyList<ReputationEvent> events, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(events);
        if (LastDoubleSign(checkpoint, events) is { } doubleSign && at - doubleSign < parameters.DoubleSignZeroFor)
        {
            return 0;
        }

        var good = parameters.Prior * parameters.PriorWeight;
        var all = parameters.PriorWeight;
        if (checkpoint is not null && checkpoint.Weight > 0)
        {
            var decay = Decay(parameters, checkpoint.At, at);
            good += checkpoint.GoodWeight * decay;
            all += checkpoint.Weight * decay;
        }

        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var (weight, isGood) = parameters.WeightOf(e.Kind);
            var w = weight * Decay(parameters, e.Time, at);
            all += w;
            if (isGood)
            {
                good += w;
            }
        }

        return all <= 0 ? parameters.Prior : Math.Clamp(good / all, 0, 1);
    }

    /// <summary>The decay factor of something that happened at <paramref name="time"/>, seen at <paramref name="at"/>:
    /// 2^(−age / half-life), 1 for an age of zero or less.</summary>
    public static double Decay(ReputationScoreParameters parameters, DateTimeOffset time, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var age = (at - time).Ticks;
        return age <= 0 || parameters.HalfLife <= TimeSpan.Zero ? 1 : Math.Pow(2, -(double)age / parameters.HalfLife.Ticks);
    }

    /// <summary>The newest double sign in <paramref name="checkpoint"/> and <paramref name="events"/>, if any.</summary>
    public static DateTimeOffset? LastDoubleSign(ReputationCheckpoint? checkpoint, IReadOnlyList<ReputationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var last = checkpoint?.LastDoubleSignAt;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Kind == ReputationEventKind.DoubleSign && (last is null || events[i].Time > last))
            {
                last = events[i].Time;
            }
        }

        return last;
    }
}
