namespace Marketplace.GrainInterfaces.Json;

/// <summary>An RFC 7807 problem body (<c>application/problem+json</c>): every error answer of the HTTP API.</summary>
public sealed class ApiProblem
{
    /// <summary>The problem media type.</summary>
    public const string MediaType = "application/problem+json";

    /// <summary><c>urn:marketplace:problem:&lt;code&gt;</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>Short summary of the problem class.</summary>
    public string Title { get; set; } = "";

    /// <summary>The HTTP status.</summary>
    public int Status { get; set; }

    /// <summary>What was wrong with which value.</summary>
    public string Detail { get; set; } = "";

    /// <summary>The stable snake_case code.</summary>
    public string Code { get; set; } = "";

    /// <summary>The request path.</summary>
    public string Instance { get; set; } = "";

    /// <summary>The W3C trace id of the request (quote it when reporting a problem).</summary>
    public string TraceId { get; set; } = "";
}
