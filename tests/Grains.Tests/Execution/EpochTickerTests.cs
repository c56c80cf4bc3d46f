using Marketplace.Grains.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Execution;

/// <summary>The epoch ticker ticks while a run holds an instance slot and sleeps otherwise, and stops for good when
/// stopped: no tick reaches an engine after <see cref="EpochTicker.Stop"/> or disposal returns, so the engine may be
/// disposed next (a replay disposes both right after its run).</summary>
public sealed class EpochTickerTests
{
    [Fact]
    public void NoTickReachesTheEngineAfterTheTickerIsDisposed()
    {
        for (var round = 0; round < 20; round++)
        {
            var engine = new SandboxEngine(new ProgramOptions());
            var ticker = new EpochTicker(engine, TimeSpan.FromMilliseconds(1));
            var slot = engine.EnterRun(() => false);
            ticker.Start();
            SpinWait.SpinUntil(() => ticker.Ticks >= 3, TimeSpan.FromSeconds(60));
            Assert.True(ticker.Ticks >= 3, $"round {round}: the ticker did not tick");

            ticker.Dispose();
            slot!.Dispose();
            var stoppedAt = ticker.Ticks;
            // A tick after this point would find the engine disposed and crash the process on the ticker's thread.
            engine.Dispose();
            Thread.Sleep(5);
            Assert.Equal(stoppedAt, ticker.Ticks);
        }
    }

    [Fact]
    public void StartAndStopAreIdempotent()
    {
        using var engine = new SandboxEngine(new ProgramOptions());
        using var ticker = new EpochTicker(engine, TimeSpan.FromMilliseconds(1));
        using var slot = engine.EnterRun(() => false);
        ticker.Start();
        ticker.Start();
        SpinWait.SpinUntil(() => ticker.Ticks >= 1, TimeSpan.FromSeconds(60));
        ticker.Stop();
        ticker.Stop();
        var stopped = ticker.Ticks;
        Assert.True(stopped >= 1);
        ticker.Start();
        SpinWait.SpinUntil(() => ticker.Ticks > stopped, TimeSpan.FromSeconds(60));
        Assert.True(ticker.Ticks > stopped, "a restarted ticker ticks again");
    }

    [Fact]
    public void TicksOnlyWhileARunHoldsASlot()
    {
        using var engine = new SandboxEngine(new ProgramOptions());
        using var ticker = new EpochTicker(engine, TimeSpan.FromMilliseconds(1));
        ticker.Start();
        var slot = engine.EnterRun(() => false)!;
        SpinWait.SpinUntil(() => ticker.Ticks >= 3, TimeSpan.FromSeconds(60));
        Assert.True(ticker.Ticks >= 3, "the ticker did not tick while a run held a slot");

        slot.Dispose();
        Assert.Equal(0, engine.ActiveRuns);
        // At most the tick already under way when the slot was given back; 50 intervals pass without another.
        var released = ticker.Ticks;
        Thread.Sleep(50);
        Assert.InRange(ticker.Ticks, released, released + 1);

        using var again = engine.EnterRun(() => false);
        var woken = ticker.Ticks;
        SpinWait.SpinUntil(() => ticker.Ticks >= woken + 3, TimeSpan.FromSeconds(60));
        Assert.True(ticker.Ticks >= woken + 3, "the ticker did not wake when a run took a slot again");
    }
}
