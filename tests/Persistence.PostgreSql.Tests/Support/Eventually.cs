using System.Diagnostics;

namespace Marketplace.Persistence.PostgreSql.Tests.Support;

/// <summary>Waits on a condition with a generous bound, polling; the failure message says what never happened.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="bound"/> passes.</summary>
    /// <remarks>Exceptions from the condition count as "not yet" (a call to a silo that is being declared dead fails).</remarks>
    public static async Task HoldsAsync(string what, TimeSpan bound, Func<Task<bool>> condition)
    {
        var started = Stopwatch.StartNew();
        Exception? last = null;
        while (started.Elapsed < bound)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e)
            {
                last = e;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        throw new TimeoutException($"Not within {bound.TotalSeconds:0} s: {what}.", last);
    }
}
