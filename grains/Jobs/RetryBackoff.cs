namespace Marketplace.Grains.Jobs;

/// <summary>Exponential backoff: retry n waits <c>base × 2^(n-1)</c>, at most <c>max</c>.</summary>
internal static class RetryBackoff
{
    /// <summary>The wait before retry <paramref name="retry"/> (1-based).</summary>
    public static TimeSpan Delay(int retry, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (retry < 1 || baseDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(retry - 1, 30));
        var ticks = baseDelay.Ticks * factor;
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
