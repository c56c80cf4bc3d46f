using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// How a job ranks eligible bids (README "Matching score"):
/// <c>score = 0.5 · (minPrice + 1) / (price + 1) + 0.3 · min(1, reputation / atPar) + 0.2 · (1 − load)</c>, where
/// minPrice is the lowest price among the eligible bids, reputation the worker's reputation score, atPar the
/// reputation at which a worker ranks as fully trusted (<see cref="JobsOptions.ReputationAtPar"/>, the reputation
/// prior by default) and load = (running + queued) / (capacity + maxQueueDepth). Highest first. Reputation above par
/// does not rank higher: a fresh worker (at the prior) and a veteran rank as equals, so the first worker to win a job
/// does not win every later one by the reputation that job gave it; a record of failures (below par) costs work. Scores are compared at a resolution of <see cref="TieResolution"/>:
/// bids whose scores fall in the same step tie, and ties go by the job's tie hash of each worker
/// (<see cref="TieHash"/>), lowest first, so equal workers each win an even share of jobs, reproducibly.
/// </summary>
internal static class BidScore
{
    /// <summary>Weight of the price term.</summary>
    public const double PriceWeight = 0.5;

    /// <summary>Weight of the reputation term.</summary>
    public const double ReputationWeight = 0.3;

    /// <summary>Weight of the free-capacity term.</summary>
    public const double LoadWeight = 0.2;

    /// <summary>The default of <see cref="JobsOptions.ReputationAtPar"/>: the default reputation prior.</summary>
    public const double DefaultReputationAtPar = 0.8;

    /// <summary>Scores are compared as whole multiples of this (1e-6): closer scores tie.</summary>
    public const double TieResolution = 1e-6;

    /// <summary>The load of a bid in [0, 1].</summary>
    public static double Load(WorkerBid bid)
    {
        var slots = bid.Capacity + bid.MaxQueueDepth;
        return slots <= 0 ? 1 : Math.Clamp((bid.Running + bid.Queued) / (double)slots, 0, 1);
    }

    /// <summary>The score of <paramref name="bid"/> given the lowest eligible price and the reputation at par.</summary>
    public static double Of(WorkerBid bid, long minPrice, double reputationAtPar = DefaultReputationAtPar) =>
        (PriceWeight * (minPrice + 1.0) / (bid.PricePerMillionFuel + 1.0))
        + (ReputationWeight * Math.Clamp(bid.Reputation / reputationAtPar, 0, 1))
        + (LoadWeight * (1 - Load(bid)));

    /// <summary>The tie-break of <paramref name="workerId"/> for job <paramref name="jobId"/>: the first 8 bytes, big
    /// endian, of SHA-256(UTF-8(job id) ‖ 0x00 ‖ UTF-8(worker id)). Uniform over workers for a given job and
    /// independent between jobs, so among equal bids each worker comes first for its share of jobs.</summary>
    public static ulong TieHash(string jobId, string workerId)
    {
        var length = Encoding.UTF8.GetByteCount(jobId) + 1 + Encoding.UTF8.GetByteCount(workerId);
        var buffer = length <= 512 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(jobId, buffer);
        buffer[written++] = 0;
        Encoding.UTF8.GetBytes(workerId, buffer[written..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer, hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    /// <summary>Sorts <paramref name="bids"/> (all eligible for job <paramref name="jobId"/>) best first.</summary>
    public static void Rank(List<WorkerBid> bids, string jobId, double reputationAtPar = DefaultReputationAtPar)
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

        var keys = new RankKey[bids.Count];
        var items = bids.ToArray();
        for (var i = 0; i < items.Length; i++)
        {
            keys[i] = new RankKey((long)Math.Round(Of(items[i], minPrice, reputationAtPar) / TieResolution), TieHash(jobId, items[i].WorkerId), items[i].WorkerId);
        }

        Array.Sort(keys, items);
        bids.Clear();
        bids.AddRange(items);
    }

    /// <summary>Ordering of one bid: higher score step first, then lower tie hash, then worker id (a total order).</summary>
    private readonly record struct RankKey(long Step, ulong Tie, string WorkerId) : IComparable<RankKey>
    {
        public int CompareTo(RankKey other)
        {
            var byStep = other.Step.CompareTo(Step);
            if (byStep != 0)
            {
                return byStep;
            }

            var byTie = Tie.CompareTo(other.Tie);
            return byTie != 0 ? byTie : string.CompareOrdinal(WorkerId, other.WorkerId);
        }
    }
}
