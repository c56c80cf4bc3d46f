// Marketplace:Host and Marketplace:Logging shape the host itself, so they are read while the silo is built: a good
// value reaches .NET's HostOptions and console formatter, a bad one stops the build naming the key and its value.
using Marketplace.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Api.Tests.Configuration;

public sealed class HostSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mkt-host-settings-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Shutdown_timeout_and_json_format_reach_the_host()
    {
        await using var app = Build(new() { ["Marketplace:Host:ShutdownTimeout"] = "00:00:45", ["Marketplace:Logging:Format"] = "json" });
        Assert.Equal(TimeSpan.FromSeconds(45), app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        var console = app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName);
        var json = app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;
        Assert.True(json.UseUtcTimestamp);
        Assert.Equal("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", json.TimestampFormat);
    }

    [Fact]
    public async Task Defaults_are_thirty_seconds_and_text()
    {
        await using var app = Build([]);
        Assert.Equal(TimeSpan.FromSeconds(30), app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        Assert.NotEqual(ConsoleFormatterNames.Json, app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Theory]
    [InlineData("Marketplace:Host:ShutdownTimeout", "00:00:00", "Marketplace:Host:ShutdownTimeout '00:00:00' must be more than 0")]
    [InlineData("Marketplace:Host:ShutdownTimeout", "02:00:00", "Marketplace:Host:ShutdownTimeout '02:00:00' must be more than 0 and at most 01:00:00")]
    [InlineData("Marketplace:Host:ShutdownTimeout", "soon", "'soon'")]
    [InlineData("Marketplace:Logging:Format", "xml", "'xml'")]
    public void A_bad_value_stops_the_build_naming_it(string key, string value, string expected)
    {
        var wrong = Assert.Throws<OptionsValidationException>(() => Build(new() { [key] = value }));
        Assert.Contains(expected, wrong.Message, StringComparison.Ordinal);
        Assert.Contains(key, wrong.Message, StringComparison.Ordinal);
    }

    private Microsoft.AspNetCore.Builder.WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = MarketplaceSiloHost.CreateBuilder([]);
        settings["Marketplace:DataFolder"] = _folder;
        settings["Marketplace:Api:DevKey"] = "false";
        builder.Configuration.AddInMemoryCollection(settings);
        return MarketplaceSiloHost.Build(builder, TextWriter.Null);
    }
}
