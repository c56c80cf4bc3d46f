using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>The committee draw as a verifier recomputes it: seed, ranks, order, ties, count.</summary>
public sealed class CommitteeDrawTests
{
    private static readonly byte[] ReceiptHash = SHA256.HashData("a receipt"u8);

    [Fact]
    public void TheSeedIsTheHashOfTheDomainTagAndTheExecutorsReceiptHash()
    {
        var expected = SHA256.HashData([.. Encoding.ASCII.GetBytes("marketplace/committee-draw/v1"), .. ReceiptHash]);
        Assert.Equal(expected, CommitteeDraw.Seed(ReceiptHash));
        Assert.Throws<ArgumentException>(() => CommitteeDraw.Seed(new byte[31]));
    }

    [Fact]
    public void CandidatesAreOrderedByTheHashOfSeedAndIdAndTheFirstKAreDrawn()
    {
        var seed = CommitteeDraw.Seed(ReceiptHash);
        string[] candidates = ["w1", "w2", "w3", "w4", "w5", "worker-é"];
        var byHand = candidates
            .Select(id => (Rank: SHA256.HashData([.. seed, .. Encoding.UTF8.GetBytes(id)]), Id: id))
            .OrderBy(c => Convert.ToHexStringLower(c.Rank), StringComparer.Ordinal)
            .Select(c => c.Id)
            .ToList();

        Assert.Equal(byHand, CommitteeDraw.Order(seed, candidates));
        Assert.Equal(byHand.Take(2), CommitteeDraw.Draw(seed, candidates, 2));
        Assert.Equal(byHand, CommitteeDraw.Draw(seed, candidates, 16));
        Assert.Empty(CommitteeDraw.Draw(seed, candidates, 0));
        Assert.Empty(CommitteeDraw.Draw(seed, [], 2));
    }

    [Fact]
    public void TheOrderDoesNotDependOnTheCandidatesOrderAndDropsDuplicates()
    {
        var seed = CommitteeDraw.Seed(ReceiptHash);
        string[] candidates = ["a", "b", "c", "d", "e", "f", "g"];
        var order = CommitteeDraw.Order(seed, candidates);
        Assert.Equal(order, CommitteeDraw.Order(seed, candidates.Reverse()));
        Assert.Equal(order, CommitteeDraw.Order(seed, [.. candidates, "c", "a"]));
    }

    [Fact]
    public void AnotherReceiptDrawsAnotherOrder()
    {
        string[] candidates = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"];
        var first = CommitteeDraw.Order(CommitteeDraw.Seed(ReceiptHash), candidates);
        var other = CommitteeDraw.Order(CommitteeDraw.Seed(SHA256.HashData("another receipt"u8)), candidates);
        Assert.NotEqual(first, other);
        Assert.Equal(candidates.Order(StringComparer.Ordinal), other.Order(StringComparer.Ordinal));
    }
}
