using System.Diagnostics;

namespace Marketplace.Cluster.Tests.Support;

/// <summary>Waits on a condition itself, polling, within a generous bound; never on the wall clock alone.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; throws <see cref="TimeoutException"/>
    /// naming <paramref name="what"/> after <paramref name="bound"/>. Returns the time it took.</summary>
    public static Task<TimeSpan> Until(Func<Task<bool>> condition, TimeSpan bound, string what) =>
        Until(condition, bound, () => what);

    /// <summary>As <see cref="Until(Func{Task{bool}}, TimeSpan, string)"/>, describing the condition when it failed
    /// (e.g. with the last values seen).</summary>
    public static async Task<TimeSpan> Until(Func<Task<bool>> condition, TimeSpan bound, Func<string> what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > bound)
            {
                throw new TimeoutException($"not within {bound.TotalSeconds:0} s: {what()}");
            }

            await Task.Delay(100);
        }

        return watch.Elapsed;
    }
}
