using Marketplace.Grains.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Execution;

/// <summary>The epoch ticker stops for good when stopped: no tick reaches an engine after <see cref="EpochTicker.Stop"/>
/// or disposal returns, so the engine may be disposed next (a replay disposes both right after its run).</summary>
public sealed class EpochTickerTests
{
    [Fact]
    public void NoTickReachesTheEngineAfterTheTickerIsDisposed()
    {
        for (var round = 0; round < 20; round++)
        {
            var engine = new SandboxEngine(new ProgramOptions());
            var ticker = new EpochTicker(engine, TimeSpan.FromMilliseconds(1));
            ticker.Start();
            SpinWait.SpinUntil(() => ticker.Ticks >= 3, TimeSpan.FromSeconds(60));
            Assert.True(ticker.Ticks >= 3, $"round {round}: the ticker did not tick");

            ticker.Dispose();
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
}
