// Design: the Orleans dashboard has no authentication of its own, and its page fetches its data with plain XHRs that
// carry no header of ours. So a caller on this machine (loopback) is let through as before, and any other caller
// (through a published container port, a load balancer, another host) must present an operator's API key: as HTTP
// Basic credentials (any user name, the key as the password; a browser asks once and resends them with every
// request of the page, XHRs included), or as 'Authorization: Bearer' / 'X-Api-Key' like the API. Without a key the
// answer is 401 with a Basic challenge; a valid key of a client that is not an operator gets 403. Keys are checked
// against the same registry as /v1, and the attempt takes a token from the client's rate-limit bucket only once the
// key is known, so a stranger cannot drain an operator's bucket.
using System.Net;
using System.Text;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>
/// Guards operator pages under one path (the dashboards): a loopback caller passes; any other caller must present
/// the API key of a client listed in <see cref="ApiOptions.Operators"/>, as HTTP Basic credentials (the key as the
/// password), a Bearer token or <c>X-Api-Key</c>.
/// </summary>
internal sealed class OperatorOnlyMiddleware(
    RequestDelegate next, string pathPrefix, ApiKeyRegistry keys, ClientRateLimiter rateLimiter, IOptions<ApiOptions> options)
{
    /// <summary>The challenge sent with a 401, so a browser asks for the operator's key.</summary>
    public const string Challenge = "Basic realm=\"Marketplace operators\", charset=\"UTF-8\"";

    public async Task InvokeAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (!context.Request.Path.StartsWithSegments(pathPrefix, StringComparison.OrdinalIgnoreCase)
            || (remote is not null && IPAddress.IsLoopback(remote)))
        {
            await next(context);
            return;
        }

        var presented = ReadKey(context.Request);
        if (presented is null || !keys.TryAuthenticate(presented, out var clientId))
        {
            var problem = new ApiProblemException(
                ProblemCodes.Unauthorized,
                presented is null
                    ? "The dashboards answer callers on other machines only with an operator's API key: give it as the password of the browser's sign-in prompt (any user name), or send 'Authorization: Bearer <key>'."
                    : "The API key is not valid.");
            problem.Headers["WWW-Authenticate"] = Challenge;
            throw problem;
        }

        await rateLimiter.AdmitAsync(clientId);
        if (!options.Value.Operators.Contains(clientId))
        {
            throw new AccessDeniedException(
                $"client '{clientId}' is not an operator; add it to Marketplace:Api:Operators (e.g. Marketplace__Api__Operators__0={clientId}) to open the dashboards from other machines");
        }

        await next(context);
    }

    private static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString().Trim();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return PasswordOf(authorization[6..].Trim());
        }

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
        {
            return authorization[7..].Trim();
        }

        var header = request.Headers[ApiKeyMiddleware.HeaderName].ToString().Trim();
        return header.Length > 0 ? header : null;
    }

    // "user:password" in base64; the user name is ignored. Malformed credentials count as none.
    private static string? PasswordOf(string encoded)
    {
        if (encoded.Length == 0 || encoded.Length > 4096)
        {
            return null;
        }

        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, written);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var password = colon < 0 ? "" : text[(colon + 1)..].Trim();
        return password.Length > 0 ? password : null;
    }
}
