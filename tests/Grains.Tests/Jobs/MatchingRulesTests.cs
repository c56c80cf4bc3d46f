using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Marketplace.Grains.Workers;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

public sealed class MatchingRulesTests
{
    private static readonly WorkerCapabilities Caps = new()
    {
        Runtimes = ["wasm"],
        MaxFuel = 100_000_000,
        MaxMemoryBytes = 1L << 30,
        PricePerMillionFuel = 10,
        Labels = new() { ["region"] = "us" },
        Capacity = 2,
        MaxQueueDepth = 1,
    };

    private static JobAnnouncement Job(Action<JobAnnouncement>? change = null)
    {
        var job = new JobAnnouncement { JobId = "job1", Runtime = "wasm", MaxFuel = 1_000, MaxMemoryBytes = 1 << 20, TimeoutMs = 1000 };
        change?.Invoke(job);
        return job;
    }

    [Fact]
    public void EachUnmetRequirementIsExplainedInWords()
    {
        Assert.Null(WorkerEligibility.Check("w3", Caps, Job()));
        Assert.Equal("needs 2 GiB memory, worker w3 offers 1 GiB", WorkerEligibility.Check("w3", Caps, Job(j => j.MaxMemoryBytes = 2L << 30)));
        Assert.Equal("needs 200,000,000 fuel, worker w3 offers 100,000,000", WorkerEligibility.Check("w3", Caps, Job(j => j.MaxFuel = 200_000_000)));
        Assert.Equal("needs runtime python, worker w3 offers wasm", WorkerEligibility.Check("w3", Caps, Job(j => j.Runtime = "python")));
        Assert.Equal("pays at most 5 per million fuel, worker w3 asks 10", WorkerEligibility.Check("w3", Caps, Job(j => j.MaxPricePerMillionFuel = 5)));
        Assert.Null(WorkerEligibility.Check("w3", Caps, Job(j => j.MaxPricePerMillionFuel = 10)));
        Assert.Equal("needs region=eu, worker w3 has region=us", WorkerEligibility.Check("w3", Caps, Job(j => j.Constraints["region"] = "eu")));
        Assert.Equal("needs gpu=yes, worker w3 has no gpu label", WorkerEligibility.Check("w3", Caps, Job(j => j.Constraints["gpu"] = "yes")));
    }

    [Theory]
    [InlineData(1536L * 1024 * 1024, "1.5 GiB")]
    [InlineData(64L * 1024 * 1024, "64 MiB")]
    [InlineData(1000L, "1000 bytes")]
    [InlineData(2048L, "2 KiB")]
    public void BytesAreWrittenAsPeopleWriteThem(long bytes, string text) => Assert.Equal(text, WorkerEligibility.FormatBytes(bytes));

    [Fact]
    public void TheCheaperWorkerWinsAtEqualLoadAndReputation()
    {
        var bids = new List<WorkerBid> { Bid("dear", price: 20), Bid("cheap", price: 5), Bid("mid", price: 10) };
        BidScore.Rank(bids, "job1");
        Assert.Equal(["cheap", "mid", "dear"], bids.Select(b => b.WorkerId));
    }

    [Fact]
    public void AtEqualPriceTheLessLoadedWorkerWins()
    {
        var bids = new List<WorkerBid> { Bid("busy", running: 2, queued: 4), Bid("idle"), Bid("half", running: 2) };
        BidScore.Rank(bids, "job1");
        Assert.Equal(["idle", "half", "busy"], bids.Select(b => b.WorkerId));
    }

    [Fact]
    public void ReputationCanOutweighASmallPriceDifference()
    {
        // 0.5 + 0.3 * 0.2/0.8 = 0.575 for the slightly cheaper but unreliable one; 0.5 * 11/12 + 0.3 = 0.758 otherwise.
        var bids = new List<WorkerBid> { Bid("flaky", price: 10, reputation: 0.2), Bid("solid", price: 11, reputation: 1.0) };
        BidScore.Rank(bids, "job1");
        Assert.Equal("solid", bids[0].WorkerId);
        Assert.Equal(0.5 + 0.3 + 0.2, BidScore.Of(Bid("x", price: 3, reputation: 1), minPrice: 3), 9);
    }

    [Fact]
    public void ReputationAboveParRanksAsParSoAFreshWorkerSharesTheWorkWithAVeteran()
    {
        Assert.Equal(BidScore.Of(Bid("fresh", reputation: 0.8), minPrice: 10), BidScore.Of(Bid("veteran", reputation: 0.99), minPrice: 10), 12);
        var freshWins = 0;
        for (var i = 0; i < 2000; i++)
        {
            var bids = new List<WorkerBid> { Bid("veteran", reputation: 0.99), Bid("fresh", reputation: 0.8) };
            BidScore.Rank(bids, JobIds.For("client-a", "par-" + i));
            freshWins += bids[0].WorkerId == "fresh" ? 1 : 0;
        }

        Assert.InRange(freshWins, 900, 1100);

        // Below par reputation still ranks: one failure too many loses to a clean record.
        var ranked = new List<WorkerBid> { Bid("failing", reputation: 0.7), Bid("clean", reputation: 0.8) };
        BidScore.Rank(ranked, "job1");
        Assert.Equal("clean", ranked[0].WorkerId);

        // A silo whose reputation prior is 0.5 puts par there.
        Assert.Equal(0.5 + 0.3 + 0.2, BidScore.Of(Bid("x", reputation: 0.5), minPrice: 10, reputationAtPar: 0.5), 12);
    }

    [Fact]
    public void BackoffDoublesFromItsBaseUpToTheCap()
    {
        var b = TimeSpan.FromSeconds(5);
        var max = TimeSpan.FromMinutes(5);
        Assert.Equal(TimeSpan.FromSeconds(5), RetryBackoff.Delay(1, b, max));
        Assert.Equal(TimeSpan.FromSeconds(10), RetryBackoff.Delay(2, b, max));
        Assert.Equal(TimeSpan.FromSeconds(40), RetryBackoff.Delay(4, b, max));
        Assert.Equal(max, RetryBackoff.Delay(10, b, max));
        Assert.Equal(max, RetryBackoff.Delay(1000, b, max));
    }

    private static WorkerBid Bid(string id, long price = 10, double reputation = 0.8, int running = 0, int queued = 0) => new()
    {
        WorkerId = id,
        Eligible = true,
        PricePerMillionFuel = price,
        Reputation = reputation,
        Running = running,
        Queued = queued,
        Capacity = 2,
        MaxQueueDepth = 4,
    };
}
