using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Reputation;

public sealed class TieSpreadingTests
{
    private static WorkerBid Bid(string id, double reputation = 0.8, long price = 10) => new()
    {
        WorkerId = id,
        Eligible = true,
        PricePerMillionFuel = price,
        Reputation = reputation,
        Capacity = 2,
        MaxQueueDepth = 4,
    };

    [Fact]
    public void FourIdenticalWorkersEachWinAQuarterOfTwoThousandJobs()
    {
        // Deterministic (the tie hash of fixed job ids); the tolerance, ±2.5 points, is about 2.6 standard deviations
        // of a fair binomial share (√(2000·¼·¾) = 19.4 jobs, ~1 point).
        string[] workers = ["w1", "w2", "w3", "w4"];
        var wins = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 2000; i++)
        {
            var bids = workers.Select(w => Bid(w)).ToList();
            BidScore.Rank(bids, JobIds.For("client-a", "job-" + i));
            wins[bids[0].WorkerId] = wins.GetValueOrDefault(bids[0].WorkerId) + 1;
        }

        foreach (var w in workers)
        {
            Assert.InRange(wins.GetValueOrDefault(w) / 2000.0, 0.225, 0.275);
        }
    }

    [Fact]
    public void TheOrderIsReproducibleAndDoesNotDependOnTheOrderBidsArrived()
    {
        var job = JobIds.For("client-a", "same");
        var forward = new List<WorkerBid> { Bid("a"), Bid("b"), Bid("c"), Bid("d") };
        var backward = new List<WorkerBid> { Bid("d"), Bid("c"), Bid("b"), Bid("a") };
        BidScore.Rank(forward, job);
        BidScore.Rank(backward, job);
        Assert.Equal(forward.Select(b => b.WorkerId), backward.Select(b => b.WorkerId));
    }

    [Fact]
    public void ScoresWithinTheResolutionTieAndABetterScoreStillWins()
    {
        // 1e-9 apart: a tie, so the lowest worker id does not win every job.
        var firstWins = 0;
        for (var i = 0; i < 200; i++)
        {
            var bids = new List<WorkerBid> { Bid("a", 0.7), Bid("b", 0.7 + 1e-9) };
            BidScore.Rank(bids, JobIds.For("client-a", "t" + i));
            firstWins += bids[0].WorkerId == "a" ? 1 : 0;
        }

        Assert.InRange(firstWins, 60, 140);
        for (var i = 0; i < 50; i++)
        {
            var bids = new List<WorkerBid> { Bid("a", 0.7), Bid("b", 0.71) };
            BidScore.Rank(bids, JobIds.For("client-a", "u" + i));
            Assert.Equal("b", bids[0].WorkerId);
        }
    }
}
