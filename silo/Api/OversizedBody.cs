// Design: a request whose declared Content-Length is over the body limit is refused with 413 before the endpoint
// reads anything. Answering while the client is still sending makes Kestrel close the connection on an unread body,
// and a client still writing then fails with a broken pipe and never reads the 413. So a body up to DrainFactor times
// the limit is read and thrown away first (bounded work: at most DrainFactor × the limit per request, at the pace
// Kestrel's MinRequestBodyDataRate enforces), and the answer arrives on a connection the client can read it from.
// A larger declared body is refused at once; the connection then closes under a client that keeps sending.
using Microsoft.AspNetCore.Http.Features;

namespace Marketplace.Silo.Api;

/// <summary>Refuses a JSON request body declared larger than the server's limit with a 413 the client can read.</summary>
internal static class OversizedBody
{
    private const long DrainFactor = 4;

    /// <summary>Throws 413 <c>payload_too_large</c> when the request declares a body over the limit, after draining
    /// it when it is at most four times the limit; returns when the declared length is within the limit or unknown
    /// (a chunked body is bounded while it is read).</summary>
    public static async Task RefuseIfDeclaredOverLimitAsync(HttpRequest request)
    {
        var feature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (request.ContentLength is not { } declared || feature?.MaxRequestBodySize is not { } limit || declared <= limit)
        {
            return;
        }

        if (declared <= DrainFactor * limit && !feature.IsReadOnly)
        {
            feature.MaxRequestBodySize = declared;
            await request.Body.CopyToAsync(Stream.Null, request.HttpContext.RequestAborted);
        }

        throw new ApiProblemException(ProblemCodes.PayloadTooLarge,
            $"The request body is {declared} bytes; this endpoint accepts at most {limit} (Marketplace:Api:MaxJsonBodyBytes).");
    }
}
