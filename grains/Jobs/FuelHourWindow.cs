namespace Marketplace.Grains.Jobs;

/// <summary>
/// Fuel a client's finished jobs burned over the last hour, in one-minute buckets (a ring of 60): what the quota on
/// fuel per hour counts. Persisted with the client's job list, so a restart does not forget the hour.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.fuel-hour-window")]
internal sealed class FuelHourWindow
{
    /// <summary>Buckets in the window.</summary>
    public const int Minutes = 60;

    /// <summary>Fuel per minute; bucket <c>m % 60</c> holds minute <c>m</c> (minutes since the Unix epoch).</summary>
    [Id(0)] public long[] Buckets { get; set; } = new long[Minutes];

    /// <summary>The latest minute written.</summary>
    [Id(1)] public long LatestMinute { get; set; }

    /// <summary>Records <paramref name="fuel"/> burned at <paramref name="now"/>.</summary>
    public void Add(DateTimeOffset now, long fuel)
    {
        var minute = Advance(now);
        Buckets[(int)(minute % Minutes)] += Math.Max(0, fuel);
    }

    /// <summary>Fuel burned in the hour up to <paramref name="now"/>.</summary>
    public long Sum(DateTimeOffset now)
    {
        Advance(now);
        long sum = 0;
        foreach (var fuel in Buckets)
        {
            sum += fuel;
        }

        return sum;
    }

    /// <summary>Clears the buckets of the minutes that left the window and returns the current minute.</summary>
    private long Advance(DateTimeOffset now)
    {
        if (Buckets.Length != Minutes)
        {
            Buckets = new long[Minutes];
        }

        var minute = now.ToUnixTimeSeconds() / 60;
        if (minute > LatestMinute)
        {
            var stale = Math.Min(minute - LatestMinute, Minutes);
            for (var i = 1; i <= stale; i++)
            {
                Buckets[(int)((LatestMinute + i) % Minutes)] = 0;
            }

            LatestMinute = minute;
        }

        return Math.Max(minute, LatestMinute - Minutes + 1);
    }
}
