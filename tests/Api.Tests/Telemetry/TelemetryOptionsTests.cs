using System.Net;
using Marketplace.TestSupport;
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
    public async Task With_an_otlp_endpoint_spans_are_posted_to_the_collector()
    {
        // A stand-in collector: OTLP over HTTP is a POST of protobuf to /v1/traces and /v1/metrics.
        var port = FreeTcpPorts.Next();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = ServeAsync(collector, "/v1/traces", received);

        var silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{port}",
            ["Marketplace:Telemetry:OtlpProtocol"] = "HttpProtobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        try
        {
            using var http = silo.NewHttpClient();
            (await http.GetAsync("v1/health")).EnsureSuccessStatusCode();
            await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
            using var metrics = await http.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        }
        finally
        {
            await silo.DisposeAsync(); // flushes to the collector, which still answers
            collector.Stop();
            await serving;
        }
    }

    [Fact]
    public async Task With_telemetry_disabled_metrics_is_an_unknown_path()
    {
        await using var silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?> { ["Marketplace:Telemetry:Enabled"] = "false" });
        using var http = silo.NewHttpClient();
        await ProblemAssert.IsProblemAsync(await http.GetAsync("metrics"), 404, "not_found");
    }

    // Answers every request 200 until the listener stops; completes the first time a POST reaches path.
    private static async Task ServeAsync(HttpListener listener, string path, TaskCompletionSource received)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return; // Stopped at the end of the test.
            }

            await context.Request.InputStream.CopyToAsync(Stream.Null);
            if (context.Request.HttpMethod == "POST" && context.Request.Url?.AbsolutePath == path)
            {
                received.TrySetResult();
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
