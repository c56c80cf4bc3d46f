using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Api.Tests.Telemetry;

/// <summary>Marketplace:Telemetry at startup: a bad OTLP endpoint stops the silo, disabled telemetry maps no endpoint.</summary>
public sealed class TelemetryOptionsTests
{
    [Fact]
    public async Task A_bad_otlp_endpoint_stops_startup_naming_the_field()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiTestSilo.StartAsync(
                new Dictionary<string, string?> { ["Marketplace:Telemetry:OtlpEndpoint"] = "collector:4317/not a uri" },
                dataFolder: folder));
            Assert.Contains("Marketplace:Telemetry:OtlpEndpoint", error.Message, StringComparison.Ordinal);
            Assert.Contains("collector:4317/not a uri", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task With_telemetry_disabled_metrics_is_an_unknown_path()
    {
        await using var silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?> { ["Marketplace:Telemetry:Enabled"] = "false" });
        using var http = silo.NewHttpClient();
        await ProblemAssert.IsProblemAsync(await http.GetAsync("metrics"), 404, "not_found");
    }
}
