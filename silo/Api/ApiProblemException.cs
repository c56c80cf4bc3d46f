namespace Marketplace.Silo.Api;

/// <summary>A request the API refuses before or outside any grain call (bad key, bad body, bad Range, ...): the
/// problem response carries <see cref="Code"/> and the status <see cref="ProblemCodes"/> maps it to.</summary>
internal sealed class ApiProblemException : Exception
{
    public ApiProblemException(string code, string detail)
        : base(detail)
    {
        Code = code;
    }

    /// <summary>The stable problem code.</summary>
    public string Code { get; }

    /// <summary>Extra response headers (e.g. <c>WWW-Authenticate</c>, <c>Content-Range</c>).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
}
