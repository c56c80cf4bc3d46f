using Marketplace.Silo.Api;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>A submit whose job grain sits on a silo not yet declared dead is asked again within its wait, and only
/// when the call did not get through.</summary>
public sealed class SubmitFailoverTests
{
    [Fact]
    public async Task AnUnreachedCallIsAskedAgainUntilItGetsThrough()
    {
        var calls = 0;
        var answer = await SubmitFailover.RunAsync(() =>
        {
            calls++;
            return calls switch
            {
                1 => throw new SiloUnavailableException("the target silo became unavailable"),
                2 => throw new SiloUnavailableException("unable to connect to the silo"),
                _ => Task.FromResult("job1"),
            };
        }, TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None);

        Assert.Equal("job1", answer);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task WithoutTimeLeftTheFailureIsTheAnswer()
    {
        var calls = 0;
        await Assert.ThrowsAsync<SiloUnavailableException>(() => SubmitFailover.RunAsync<string>(() =>
        {
            calls++;
            throw new SiloUnavailableException("the target silo became unavailable");
        }, TimeSpan.Zero, TimeProvider.System, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task OtherFailuresAreNotAskedAgain()
    {
        var calls = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => SubmitFailover.RunAsync<string>(() =>
        {
            calls++;
            throw new TimeoutException("the grain did not answer");
        }, TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ATryHeldUntilTheDeclarationIsAskedAgainAtOnce()
    {
        // The first try waits on the dead silo for 5 s (the clock moved by the call itself) and then fails: the grain
        // can move now, so the next try starts at once, though a pause of 250 ms would overrun the 5.1 s wait.
        var clock = new SteppedClock();
        var calls = 0;
        var answer = await SubmitFailover.RunAsync(() =>
        {
            calls++;
            if (calls == 1)
            {
                clock.Advance(TimeSpan.FromSeconds(5));
                throw new SiloUnavailableException("the target silo became unavailable");
            }

            return Task.FromResult("job1");
        }, TimeSpan.FromSeconds(5.1), clock, CancellationToken.None);

        Assert.Equal("job1", answer);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task ATryHeldPastTheWaitIsTheAnswer()
    {
        var clock = new SteppedClock();
        var calls = 0;
        await Assert.ThrowsAsync<SiloUnavailableException>(() => SubmitFailover.RunAsync<string>(() =>
        {
            calls++;
            clock.Advance(TimeSpan.FromSeconds(9));
            throw new SiloUnavailableException("the target silo became unavailable");
        }, TimeSpan.FromSeconds(8), clock, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public void TriesArePacedUpToASecond()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), SubmitFailover.DelayBefore(2));
        Assert.Equal(TimeSpan.FromMilliseconds(500), SubmitFailover.DelayBefore(3));
        Assert.Equal(TimeSpan.FromSeconds(1), SubmitFailover.DelayBefore(4));
        Assert.Equal(TimeSpan.FromSeconds(1), SubmitFailover.DelayBefore(9));
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
