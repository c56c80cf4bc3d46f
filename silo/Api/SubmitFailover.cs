namespace Marketplace.Silo.Api;

/// <summary>A grain call asked again while the silo that hosts its grain is gone and not yet declared dead.</summary>
/// <remarks>A client that sends a submission again (same request id) after the silo that took the first try died finds
/// the job's grain still placed on the dead silo: the grain cannot move until the membership declares that silo dead,
/// a few seconds later. Such a call either fails at once (the silo unreachable) or waits until the declaration fails
/// it. Answering <c>503</c> then cost the client one more try for every such job; asking again within a bounded wait
/// turns those tries into one slower answer. Only calls that did not get through are asked again (the target silo
/// unavailable, the message rejected), and the calls asked again are idempotent by request id.</remarks>
internal static class SubmitFailover
{
    /// <summary>Runs <paramref name="call"/> again while it fails unreached and the next try would still start within
    /// <paramref name="wait"/>: at once after a try that itself waited at least the next pause (it was held until the
    /// membership gave up on the silo, so the grain can move now), else after 250 ms, 500 ms, then every second. Then
    /// the last failure is thrown.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        for (var tries = 1; ; tries++)
        {
            var tryStart = time.GetTimestamp();
            try
            {
                return await call();
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException)
            {
                var pause = DelayBefore(tries + 1);
                if (time.GetElapsedTime(tryStart) >= pause)
                {
                    pause = TimeSpan.Zero;
                }

                if (time.GetElapsedTime(start) + pause > wait)
                {
                    throw;
                }

                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, time, cancellationToken);
                }
            }
        }
    }

    /// <summary>The pause before try <paramref name="next"/> (2 or later): 250 ms, 500 ms, then 1 s.</summary>
    internal static TimeSpan DelayBefore(int next) => next switch
    {
        <= 2 => TimeSpan.FromMilliseconds(250),
        3 => TimeSpan.FromMilliseconds(500),
        _ => TimeSpan.FromSeconds(1),
    };
}
