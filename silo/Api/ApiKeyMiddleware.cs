namespace Marketplace.Silo.Api;

/// <summary>
/// Authenticates requests to endpoints marked <see cref="RequiresApiKey"/>: the key comes from
/// <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c>; a missing or unknown key is a 401 problem. Runs after
/// routing so unknown routes still answer 404 and public endpoints (health, OpenAPI) need no key. An authenticated
/// request then has its signature, if any, verified (<see cref="RequestSignatureVerifier"/>), and only then takes a
/// token from its client's bucket (<see cref="ClientRateLimiter"/>): requests forged with a stolen API key but without
/// the signing secret cost the owner nothing. The nonce and body of a signed request are checked last.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyRegistry keys, ClientRateLimiter rateLimiter, RequestSignatureVerifier signatures)
{
    public const string HeaderName = "X-Api-Key";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresApiKey>() is null)
        {
            await next(context);
            return;
        }

        // A warm-start request is made in memory before the listeners bind (WarmStartServer): no request from the
        // network carries its feature, and it has no key or signature to check.
        var warmStart = context.Features.Get<WarmStartClient>() is not null;
        var clientId = warmStart ? WarmStartClient.ClientId : Authenticate(context.Request);
        var signature = warmStart ? null : signatures.Authenticate(context, clientId);
        await rateLimiter.AdmitAsync(clientId);
        if (signature is not null)
        {
            await signatures.AcceptAsync(context, signature);
        }

        context.Features.Set(new ApiClient(clientId));
        await next(context);
    }

    private string Authenticate(HttpRequest request)
    {
        var presented = ReadKey(request)
            ?? throw Unauthorized("This endpoint needs an API key: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
        return keys.TryAuthenticate(presented, out var clientId) ? clientId : throw Unauthorized("The API key is not valid.");
    }

    private static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 7 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization[7..].Trim();
        }

        var header = request.Headers[HeaderName].ToString().Trim();
        return header.Length > 0 ? header : null;
    }

    private static ApiProblemException Unauthorized(string detail)
    {
        var problem = new ApiProblemException(ProblemCodes.Unauthorized, detail);
        problem.Headers["WWW-Authenticate"] = "Bearer realm=\"marketplace\"";
        return problem;
    }
}
