using Marketplace.GrainInterfaces;
using Marketplace.Grains.Reputation;
using Xunit;

namespace Marketplace.Grains.Tests.Reputation;

public sealed class ReputationScoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReputationScoreParameters P = new();

    private static ReputationEvent E(ReputationEventKind kind, DateTimeOffset time) => new() { EventId = Guid.NewGuid().ToString("N"), WorkerId = "w", Kind = kind, Time = time };

    [Fact]
    public void AWorkerWithNoHistoryHasThePrior() => Assert.Equal(0.8, ReputationScore.Of(P, null, [], T0), 12);

    [Fact]
    public void EventsMoveTheScoreByTheirWeights()
    {
        // (0.8·5 + 1) / (5 + 1): a success; 4 / (5 + 2): a timeout weighs two failures.
        Assert.Equal(5.0 / 6, ReputationScore.Of(P, null, [E(ReputationEventKind.Success, T0)], T0), 12);
        Assert.Equal(4.0 / 6, ReputationScore.Of(P, null, [E(ReputationEventKind.Failure, T0)], T0), 12);
        Assert.Equal(4.0 / 7, ReputationScore.Of(P, null, [E(ReputationEventKind.Timeout, T0)], T0), 12);
        Assert.Equal(4.0 / 6, ReputationScore.Of(P, null, [E(ReputationEventKind.Unavailable, T0)], T0), 12);
        Assert.Equal(4.0 / 10, ReputationScore.Of(P, null, [E(ReputationEventKind.WrongResult, T0)], T0), 12);
        Assert.Equal(6.0 / 7, ReputationScore.Of(P, null, [E(ReputationEventKind.VerifiedResult, T0)], T0), 12);
    }

    [Fact]
    public void AnEventCountsHalfAfterOneHalfLifeAndTheScoreReturnsToThePrior()
    {
        var failure = E(ReputationEventKind.Failure, T0);
        Assert.Equal(4.0 / 5.5, ReputationScore.Of(P, null, [failure], T0 + P.HalfLife), 12);
        var later = ReputationScore.Of(P, null, [failure], T0 + (P.HalfLife * 20));
        Assert.InRange(later, 0.7999, 0.8);
    }

    [Fact]
    public void ADoubleSignZeroesTheScoreForItsPeriodThenWeighsAsAHeavyBadEvent()
    {
        List<ReputationEvent> events = [E(ReputationEventKind.Success, T0), E(ReputationEventKind.DoubleSign, T0)];
        Assert.Equal(0, ReputationScore.Of(P, null, events, T0));
        Assert.Equal(0, ReputationScore.Of(P, null, events, T0 + P.DoubleSignZeroFor - TimeSpan.FromSeconds(1)));
        var after = ReputationScore.Of(P, null, events, T0 + P.DoubleSignZeroFor);
        Assert.InRange(after, 0.01, 0.8);
        var checkpoint = new ReputationCheckpoint { At = T0, Weight = 10, LastDoubleSignAt = T0, Events = 1 };
        Assert.Equal(0, ReputationScore.Of(P, checkpoint, [], T0 + TimeSpan.FromDays(1)));
    }

    [Fact]
    public void TheScoreStaysWithinZeroAndOne()
    {
        var random = new Random(20261123);
        var events = new List<ReputationEvent>();
        for (var i = 0; i < 500; i++)
        {
            events.Add(E((ReputationEventKind)random.Next(0, 6), T0 + TimeSpan.FromMinutes(i)));
            Assert.InRange(ReputationScore.Of(P, null, events, T0 + TimeSpan.FromMinutes(i)), 0, 1);
        }
    }

    [Fact]
    public void TheBanFloorIsReachable()
    {
        // The seeds' trap: a floor on the score would make "score below 0.3" unreachable. Nine failures at once do it.
        var events = new List<ReputationEvent>();
        for (var i = 0; i < 8; i++)
        {
            events.Add(E(ReputationEventKind.Failure, T0));
        }

        Assert.True(ReputationScore.Of(P, null, events, T0) >= 0.3);
        events.Add(E(ReputationEventKind.Failure, T0));
        Assert.True(ReputationScore.Of(P, null, events, T0) < 0.3);
    }

    [Fact]
    public void BadOptionsAreNamed()
    {
        var options = new ReputationOptions { BanFloor = 1.5, MaxEvents = 3, Score = new ReputationScoreParameters { HalfLife = TimeSpan.Zero, FailureWeight = -1 } };
        var result = new ReputationOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Marketplace:Reputation:BanFloor is 1.5", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Marketplace:Reputation:MaxEvents is 3", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Marketplace:Reputation:Score:HalfLife", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Marketplace:Reputation:Score:FailureWeight is -1", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ReputationOptionsValidator().Validate(null, new ReputationOptions()).Succeeded);
    }

    [Theory]
    [InlineData("-00:00:01", false)]
    [InlineData("00:00:00", true)]
    [InlineData("00:01:00", true)]
    [InlineData("00:01:01", false)]
    public void TheGoodEventPushIntervalIsFromZeroToTheRefreshInterval(string interval, bool valid)
    {
        var options = new ReputationOptions { GoodEventPushInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };
        var result = new ReputationOptionsValidator().Validate(null, options);
        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Marketplace:Reputation:GoodEventPushInterval is " + interval, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ABannedOrLowWorkerSaysWhyAndUntilWhen()
    {
        var until = T0 + TimeSpan.FromHours(24);
        Assert.Equal("worker w1 is banned until 2026-11-24T12:00:00Z: score 0.286 fell below 0.3", ReputationEligibility.Check("w1", 0.9, until, "score 0.286 fell below 0.3", T0, 0.5));
        Assert.Null(ReputationEligibility.Check("w1", 0.9, until, "x", until, 0.5));
        Assert.Equal("worker w1 has reputation 0.600, below the minimum 0.7 to bid", ReputationEligibility.Check("w1", 0.6, null, null, T0, 0.7));
        Assert.Equal("worker w2 has reputation 0.650, below the minimum 0.7 to bid", ReputationEligibility.Check("w2", 0.65, null, null, T0, 0.7));
        Assert.Null(ReputationEligibility.Check("w3", 0.8, null, null, T0, 0.7));
    }
}
