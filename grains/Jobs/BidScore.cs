using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// How a job ranks eligible bids (README "Matching score"):
/// <c>score = 0.5 · (minPrice + 1) / (price + 1) + 0.3 · reputation + 0.2 · (1 − load)</c>, where minPrice is the
/// lowest price among the eligible bids and load = (running + queued) / (capacity + maxQueueDepth). Highest first;
/// ties go to the lower load, then the lower worker id.
/// </summary>
internal static class BidScore
{
    /// <summary>Weight of the price term.</summary>
    public const double PriceWeight = 0.5;

    /// <summary>Weight of the reputation term.</summary>
    public const double ReputationWeight = 0.3;

    /// <summary>Weight of the free-capacity term.</summary>
    public const double LoadWeight = 0.2;

    /// <summary>The load of a bid in [0, 1].</summary>
    public static double Load(WorkerBid bid)
    {
        var slots = bid.Capacity + bid.MaxQueueDepth;
        return slots <= 0 ? 1 : Math.Clamp((bid.Running + bid.Queued) / (double)slots, 0, 1);
    }

    /// <summary>The score of <paramref name="bid"/> given the lowest eligible price.</summary>
    public static double Of(WorkerBid bid, long minPrice) =>
        (PriceWeight * (minPrice + 1.0) / (bid.PricePerMillionFuel + 1.0))
        + (ReputationWeight * Math.Clamp(bid.Reputation, 0, 1))
        + (LoadWeight * (1 - Load(bid)));

    /// <summary>Sorts <paramref name="bids"/> (all eligible) best first.</summary>
    public static void Rank(List<WorkerBid> bids)
    {
        if (bids.Count < 2)
        {
            return;
        }

        var minPrice = long.MaxValue;
        foreach (var bid in bids)
        {
            minPrice = Math.Min(minPrice, bid.PricePerMillionFuel);
        }

        bids.Sort((a, b) =>
        {
            var byScore = Of(b, minPrice).CompareTo(Of(a, minPrice));
            if (byScore != 0)
            {
                return byScore;
            }

            var byLoad = Load(a).CompareTo(Load(b));
            return byLoad != 0 ? byLoad : string.CompareOrdinal(a.WorkerId, b.WorkerId);
        });
    }
}
