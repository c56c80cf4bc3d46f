using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <summary>
/// A failure of the HTTP API that has no typed <see cref="MarketplaceException"/> subclass: the API's transport codes
/// (<c>unauthorized</c>, <c>invalid_json</c>, <c>payload_too_large</c>, <c>range_not_satisfiable</c>, <c>internal</c>,
/// ...), codes newer than this sdk, answers that are not problem+json, and connection failures
/// (<see cref="Status"/> 0, code <c>connection_failed</c>).
/// </summary>
public sealed class HttpApiException : MarketplaceException
{
    /// <summary>Code of a request that got no HTTP answer (connection refused, reset, DNS).</summary>
    public const string ConnectionFailedCode = "connection_failed";

    /// <summary>Code of an answer that is not the API's (e.g. a proxy's HTML error page) or cannot be read.</summary>
    public const string UnexpectedResponseCode = "unexpected_response";

    /// <summary>Creates the error.</summary>
    public HttpApiException(int status, string code, string detail, string? traceId = null)
        : base(detail)
    {
        Status = status;
        Code = code;
        Detail = detail;
        TraceId = traceId;
    }

    /// <summary>The HTTP status (0 when no answer arrived).</summary>
    public int Status { get; }

    /// <inheritdoc />
    public override string Code { get; }

    /// <summary>The problem's detail text.</summary>
    public string Detail { get; }

    /// <summary>The server's trace id of the request, when it sent one.</summary>
    public string? TraceId { get; }
}
