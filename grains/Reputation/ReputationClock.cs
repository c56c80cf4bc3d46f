namespace Marketplace.Grains.Reputation;

/// <summary>
/// The time reputation reads (event times, score evaluation, ban ends, and whether a bidding worker's ban is over):
/// the silo's <see cref="TimeProvider"/> unless a test registers another, so a test can move past a ban without
/// moving the silo's timers or leases.
/// </summary>
internal sealed class ReputationClock(TimeProvider time)
{
    /// <summary>Now.</summary>
    public DateTimeOffset Now => time.GetUtcNow();
}
