using System.Net;

namespace Marketplace.Silo.Api;

/// <summary>
/// Lets operator pages under one path (the Orleans dashboard) answer only requests from a loopback address; any
/// other caller gets the 404 problem of an unknown endpoint, so the pages are not visible from outside the machine
/// even when the API listens on a public address.
/// </summary>
internal sealed class OperatorOnlyMiddleware(RequestDelegate next, string pathPrefix)
{
    public Task InvokeAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (context.Request.Path.StartsWithSegments(pathPrefix, StringComparison.OrdinalIgnoreCase)
            && (remote is null || !IPAddress.IsLoopback(remote)))
        {
            throw new ApiProblemException(ProblemCodes.NotFound, "No endpoint answers this path.");
        }

        return next(context);
    }
}
