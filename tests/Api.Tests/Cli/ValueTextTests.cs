using Marketplace.Cli;
using Marketplace.Cli.Parsing;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>Durations, sizes and key=value pairs as the CLI reads them.</summary>
public sealed class ValueTextTests
{
    [Theory]
    [InlineData("250", 250)]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("2h", 7_200_000)]
    public void Durations(string text, long ms) => Assert.Equal(ms, ValueText.DurationMs("--timeout", text));

    [Theory]
    [InlineData("65536", 65536)]
    [InlineData("64KiB", 65536)]
    [InlineData("64MiB", 64L << 20)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("2g", 2L << 30)]
    public void Sizes(string text, long bytes) => Assert.Equal(bytes, ValueText.Bytes("--memory", text));

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-5")]
    [InlineData("5 fortnights")]
    [InlineData("1.2.3s")]
    public void BadDurationsAreUsageErrors(string text)
    {
        var error = Assert.Throws<CliException>(() => ValueText.DurationMs("--ttl", text));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.StartsWith("--ttl: '", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PairsKeepValuesVerbatimIncludingEqualsSigns()
    {
        var pairs = ValueText.Pairs("--label", ["region=eu-west", "expr=a=b", "empty="]);
        Assert.Equal("eu-west", pairs["region"]);
        Assert.Equal("a=b", pairs["expr"]);
        Assert.Equal("", pairs["empty"]);
    }
}
