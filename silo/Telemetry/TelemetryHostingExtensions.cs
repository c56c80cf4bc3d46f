// Design: telemetry is wired in two places of MarketplaceSiloHost.Build: AddMarketplaceTelemetry on the builder
// (options, OpenTelemetry's meter and tracer providers, exporters) and MapMarketplaceTelemetry on the application (the
// Prometheus scrape endpoint). The options are read and validated while building, not at start, because they decide
// which exporters exist; a bad value stops the silo with an OptionsValidationException that names the field. Orleans'
// activity propagation (W3C traceparent in the RequestContext of every grain call) is enabled on the silo builder by
// the host, independently of these options, so a trace crosses silos even when one of them exports nothing.
using Marketplace.Grains.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansActivitySources = Orleans.Diagnostics.ActivitySources;

namespace Marketplace.Silo.Telemetry;

/// <summary>Metrics and traces of the silo: <c>builder.AddMarketplaceTelemetry()</c>, then
/// <c>app.MapMarketplaceTelemetry()</c>.</summary>
public static class TelemetryHostingExtensions
{
    /// <summary>Orleans' meter.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>The standard environment variable (and configuration key) of OpenTelemetry's OTLP endpoint.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private static readonly string[] Meters =
    [
        MarketplaceTelemetry.Name,
        OrleansMeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "System.Runtime",
    ];

    private static readonly string[] Sources =
    [
        MarketplaceTelemetry.Name,
        OrleansActivitySources.AllActivitySourceName,
        "Microsoft.AspNetCore",
    ];

    /// <summary>
    /// Reads <see cref="TelemetryOptions"/> from <c>Marketplace:Telemetry</c> (throwing
    /// <see cref="OptionsValidationException"/> that names every bad field) and, when enabled, adds OpenTelemetry with
    /// metrics from the marketplace, Orleans, ASP.NET Core and the runtime, traces from the marketplace, Orleans and
    /// ASP.NET Core, the Prometheus exporter when a scrape path is set and the OTLP exporter when an endpoint is
    /// configured.
    /// </summary>
    public static WebApplicationBuilder AddMarketplaceTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = new TelemetryOptions();
        configuration.GetSection(TelemetryOptions.Section).Bind(options);
        var result = new TelemetryOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(TelemetryOptions.Section, typeof(TelemetryOptions), result.Failures);
        }

        builder.Services.AddSingleton(Options.Create(options));
        if (!options.Enabled)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (!string.IsNullOrEmpty(options.PrometheusEndpoint))
                {
                    metrics.AddPrometheusExporter(prometheus =>
                    {
                        prometheus.ScrapeEndpointPath = options.PrometheusEndpoint;
                        prometheus.ScrapeResponseCacheDurationMilliseconds = options.PrometheusScrapeCacheMilliseconds;
                    });
                }
            })
            .WithTracing(tracing => tracing.AddSource(Sources));

        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            var protocol = string.Equals(options.OtlpProtocol, "HttpProtobuf", StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, new Uri(options.OtlpEndpoint, UriKind.Absolute));
        }
        else if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
        {
            // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL and _HEADERS itself.
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Maps the Prometheus scrape endpoint (<see cref="TelemetryOptions.PrometheusEndpoint"/>, public: no API
    /// key) when telemetry is enabled and a path is set; otherwise the path answers the 404 problem of any unknown
    /// path.</summary>
    public static WebApplication MapMarketplaceTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (options.Enabled && !string.IsNullOrEmpty(options.PrometheusEndpoint))
        {
            app.MapPrometheusScrapingEndpoint(options.PrometheusEndpoint);
        }

        return app;
    }
}
