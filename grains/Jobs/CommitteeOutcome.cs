namespace Marketplace.Grains.Jobs;

/// <summary>How a job's committee ended, as reputation and payment will be told: who stood by the settled result, who
/// lost against it, who did not answer. <see cref="Settled"/> is false for a disputed job (no winners).</summary>
internal sealed record CommitteeOutcome(
    bool Settled,
    IReadOnlyList<string> Winners,
    IReadOnlyList<string> Losers,
    IReadOnlyList<string> Unavailable);
