using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Telemetry;

/// <summary>Checks <see cref="TelemetryOptions"/> at start and names every failing field with its value.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            problems.Add($"{TelemetryOptions.Section}:ServiceName must not be empty");
        }

        var path = options.PrometheusEndpoint;
        if (!string.IsNullOrEmpty(path) && (!path.StartsWith('/') || path.Length < 2 || path.StartsWith("/v1", StringComparison.OrdinalIgnoreCase)
                                            || path.StartsWith(Api.ApiHostingExtensions.DashboardPath, StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{TelemetryOptions.Section}:PrometheusEndpoint '{path}' must be a path such as /metrics, outside /v1 and {Api.ApiHostingExtensions.DashboardPath} (or empty for none)");
        }

        if (options.PrometheusScrapeCacheMilliseconds < 0)
        {
            problems.Add($"{TelemetryOptions.Section}:PrometheusScrapeCacheMilliseconds {options.PrometheusScrapeCacheMilliseconds} must not be negative");
        }

        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint)
            && (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"{TelemetryOptions.Section}:OtlpEndpoint '{options.OtlpEndpoint}' must be an absolute http:// or https:// URI such as http://localhost:4317");
        }

        if (!string.Equals(options.OtlpProtocol, "Grpc", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.OtlpProtocol, "HttpProtobuf", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{TelemetryOptions.Section}:OtlpProtocol '{options.OtlpProtocol}' must be Grpc or HttpProtobuf");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
