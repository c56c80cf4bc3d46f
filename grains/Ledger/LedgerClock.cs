namespace Marketplace.Grains.Ledger;

/// <summary>
/// The time the ledger reads (entry times, unstake release times): the silo's <see cref="TimeProvider"/> unless a
/// test registers another. Kept apart from the silo's own time so that moving the ledger's clock moves no timer,
/// lease or membership of the silo.
/// </summary>
internal sealed class LedgerClock(TimeProvider time)
{
    /// <summary>The time provider.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Now.</summary>
    public DateTimeOffset Now => Time.GetUtcNow();
}
