using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Api;

/// <summary>The authenticated caller of a request: the client id its API key maps to.</summary>
internal sealed record ApiClient(string ClientId)
{
    /// <summary>The caller of an authenticated endpoint (set by <see cref="ApiKeyMiddleware"/>).</summary>
    public static string IdOf(HttpContext context) =>
        context.Features.Get<ApiClient>()?.ClientId
        ?? throw new InvalidOperationException("The endpoint is not marked as requiring an API key.");

    /// <summary>The caller of an authenticated endpoint as blob grains see it: a client, checked against each blob's
    /// access list.</summary>
    public static BlobCaller BlobCallerOf(HttpContext context) => BlobCaller.Client(IdOf(context));
}

/// <summary>Endpoint metadata: the endpoint needs an API key.</summary>
internal sealed class RequiresApiKey
{
    public static RequiresApiKey Instance { get; } = new();
}

/// <summary>Endpoint metadata: the handler streams its request body (blob uploads), so a signed request's body hash
/// is checked while the body is read, at its end, instead of buffering the body first.</summary>
internal sealed class StreamedRequestBody
{
    public static StreamedRequestBody Instance { get; } = new();
}
