using Marketplace.Cli.Output;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>The CLI's progress line, driven by a hand-moved clock into a string writer: what it draws, how often, and
/// how it ends.</summary>
public sealed class ProgressRendererTests
{
    [Fact]
    public void A_known_total_draws_bar_percent_bytes_and_the_average_rate_and_redraws_at_most_every_interval()
    {
        var clock = new ManualClock();
        var writer = new StringWriter();
        var renderer = new ProgressRenderer(writer, clock, "store big.bin", total: 100L << 20);

        clock.Advance(TimeSpan.FromSeconds(1));
        renderer.Report(25L << 20);
        Assert.Equal("\rstore big.bin [######------------------]  25%  25.0 MiB / 100.0 MiB  25.0 MiB/s", writer.ToString());

        // Within the redraw interval nothing more is drawn.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        renderer.Report(30L << 20);
        Assert.Single(writer.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries));

        clock.Advance(TimeSpan.FromMilliseconds(900));
        renderer.Report(50L << 20);
        var lines = writer.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("store big.bin [############------------]  50%  50.0 MiB / 100.0 MiB  25.0 MiB/s", lines[1]);

        clock.Advance(TimeSpan.FromSeconds(2));
        renderer.Complete();
        var final = writer.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal("store big.bin [########################] 100%  100.0 MiB / 100.0 MiB  25.0 MiB/s" + Environment.NewLine, final);

        // Completed: later reports draw nothing.
        var before = writer.ToString();
        clock.Advance(TimeSpan.FromSeconds(1));
        renderer.Report(1);
        renderer.Complete();
        Assert.Equal(before, writer.ToString());
    }

    [Fact]
    public void An_unknown_total_draws_bytes_and_rate_only_and_a_shorter_line_blanks_the_longer_one_before_it()
    {
        var clock = new ManualClock();
        var writer = new StringWriter();
        var renderer = new ProgressRenderer(writer, clock, "download", total: null);

        clock.Advance(TimeSpan.FromSeconds(2));
        renderer.Report(3L << 30);
        Assert.Equal("\rdownload  3.0 GiB  1.5 GiB/s", writer.ToString());

        clock.Advance(TimeSpan.FromSeconds(1022));
        renderer.Report(512);
        var second = writer.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Equal("download  512 B  0 B/s", second.TrimEnd(' '));
        Assert.Equal("download  3.0 GiB  1.5 GiB/s".Length, second.Length);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(5L << 20, "5.0 MiB")]
    [InlineData(1L << 30, "1.0 GiB")]
    public void Sizes_are_written_in_binary_units(long bytes, string text) => Assert.Equal(text, ProgressRenderer.Size(bytes));

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
