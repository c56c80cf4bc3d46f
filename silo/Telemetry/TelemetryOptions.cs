namespace Marketplace.Silo.Telemetry;

/// <summary>
/// Metrics and traces of the silo (configuration section <c>Marketplace:Telemetry</c>; environment
/// <c>Marketplace__Telemetry__OtlpEndpoint=http://collector:4317</c> or the command line
/// <c>--Marketplace:Telemetry:Enabled=false</c>).
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Telemetry";

    /// <summary>Collects metrics and traces (Orleans, ASP.NET Core, the marketplace). Default true; false leaves
    /// OpenTelemetry out entirely and <see cref="PrometheusEndpoint"/> answers 404.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The <c>service.name</c> resource attribute of everything exported. Default <c>marketplace-silo</c>.</summary>
    public string ServiceName { get; set; } = "marketplace-silo";

    /// <summary>Path of the Prometheus scrape endpoint, public like health (no API key). Default <c>/metrics</c>;
    /// empty maps no endpoint (export over OTLP only).</summary>
    public string PrometheusEndpoint { get; set; } = "/metrics";

    /// <summary>How long one scrape answer is reused for the next scrapes, ms (0: every scrape collects afresh).
    /// Default 300, the exporter's own default, so several scrapers at once cost one collection.</summary>
    public int PrometheusScrapeCacheMilliseconds { get; set; } = 300;

    /// <summary>Absolute http(s) URI of an OTLP collector that receives traces and metrics (e.g.
    /// <c>http://localhost:4317</c> for gRPC). Default none: then the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// environment variable is used when set, and with neither no OTLP exporter is added.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>OTLP transport: <c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318). Default <c>Grpc</c>.</summary>
    public string OtlpProtocol { get; set; } = "Grpc";
}
