namespace Marketplace.Silo.Api;

/// <summary>
/// A token bucket on explicit timestamps: holds at most <c>burst</c> tokens and refills at <c>rate</c> a second. The
/// cluster's budget of one client (<see cref="ClientRateBudgetGrain"/>) hands out slices of it.
/// </summary>
internal sealed class RequestTokenBucket
{
    private double _tokens = double.NaN;
    private long _lastTicks;

    /// <summary>Takes up to <paramref name="wanted"/> whole tokens at <paramref name="now"/> and returns how many.</summary>
    /// <remarks>A new bucket starts full; a changed rate or burst applies from this call on.</remarks>
    public int Take(int wanted, int rate, int burst, DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        if (double.IsNaN(_tokens))
        {
            _tokens = burst;
        }
        else if (ticks > _lastTicks)
        {
            _tokens = Math.Min(burst, _tokens + (ticks - _lastTicks) / (double)TimeSpan.TicksPerSecond * rate);
        }

        _tokens = Math.Min(_tokens, burst);
        _lastTicks = Math.Max(_lastTicks, ticks);
        var granted = (int)Math.Min(wanted, Math.Floor(_tokens));
        if (granted <= 0)
        {
            return 0;
        }

        _tokens -= granted;
        return granted;
    }
}
