using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Reputation;

/// <summary>Reputation settings, bound from <c>Marketplace:Reputation</c> and checked at start
/// (<see cref="ReputationOptionsValidator"/>).</summary>
internal sealed class ReputationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Reputation";

    /// <summary>The constants of the score: prior, half-life, weights (<c>Marketplace:Reputation:Score</c>).</summary>
    public ReputationScoreParameters Score { get; set; } = new();

    /// <summary>A bad event that leaves the score below this bans the worker for <see cref="BanDuration"/> (default
    /// 0.3).</summary>
    public double BanFloor { get; set; } = 0.3;

    /// <summary>Length of a ban for a low score or repeated wrong results (default 24 h).</summary>
    public TimeSpan BanDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Wrong results within <see cref="WrongResultWindow"/> that ban the worker (default 3).</summary>
    public int WrongResultBanCount { get; set; } = 3;

    /// <summary>The window <see cref="WrongResultBanCount"/> counts in (default 24 h).</summary>
    public TimeSpan WrongResultWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Length of the ban for a double sign (default 30 days).</summary>
    public TimeSpan DoubleSignBanDuration { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Lowest score with which a worker bids (default 0.5): a fresh worker starts at the prior (0.8) and
    /// stays eligible through a timeout or a few failures; below it the worker declines until its score recovers
    /// (its bad events decay and the score returns toward the prior). 0 lets every unbanned worker bid.</summary>
    public double MinimumReputation { get; set; } = 0.5;

    /// <summary>Events kept per worker (default 1,000, at least 10); older ones are folded into the checkpoint, so
    /// the stored record stays bounded and the score stays recomputable.</summary>
    public int MaxEvents { get; set; } = 1_000;

    /// <summary>How often a worker re-reads its score to follow the decay between events (default 1 min); a change
    /// from an event is pushed to it (see <see cref="GoodEventPushInterval"/>).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The least time between two pushes of a worker's reputation to its worker grain after good events
    /// (default 1 s): the good events of a busy worker within it reach the worker as one push at its end. A bad event
    /// (and so any ban) is pushed at once. 0 pushes after every event.</summary>
    public TimeSpan GoodEventPushInterval { get; set; } = TimeSpan.FromSeconds(1);
}
