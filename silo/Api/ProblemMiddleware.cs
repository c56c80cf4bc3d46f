// Design: the API's outermost middleware. Every failure becomes an application/problem+json response with a stable
// code (ProblemCodes) and the request's trace id; nothing leaves with a stack trace. A failure after the response
// started (a blob stream that hits a damaged chunk) cannot change the status any more, so the connection is aborted
// and the client sees a truncated body instead of bytes that look complete. Route misses (404/405) that ASP.NET
// answers with an empty body are turned into problems on the way out. Kestrel's framing errors met while a body is
// read (BadHttpRequestException) are mapped by their status; those Kestrel answers before this middleware runs get
// their body from TransportProblems.
using System.Diagnostics;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Silo.Api;

/// <summary>Turns exceptions and empty 404/405 answers into problem responses.</summary>
internal sealed class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        TransportProblems.EnterApplication(context);
        context.Request.Body = new RequestBodyGuard(context.Request.Body);
        try
        {
            await next(context);
        }
        catch (Exception exception) when (context.RequestAborted.IsCancellationRequested
                                          && exception is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client went away; there is nobody to answer.
            return;
        }
        catch (Exception exception)
        {
            await HandleAsync(context, exception);
            return;
        }

        // Routing answers a miss with a bare status: 404 (no route), 405 (other method), 415 (an endpoint that
        // accepts JSON only got another media type).
        if (!context.Response.HasStarted && context.Response.ContentType is null)
        {
            var request = context.Request;
            var (code, detail) = context.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => (ProblemCodes.NotFound, $"No endpoint serves {request.Path}; the API lives under /v1 (see /v1/openapi.json)."),
                StatusCodes.Status405MethodNotAllowed => (ProblemCodes.MethodNotAllowed, $"{request.Method} is not allowed on {request.Path}."),
                StatusCodes.Status415UnsupportedMediaType => (ProblemCodes.UnsupportedMediaType, $"The body must be application/json, not '{request.ContentType ?? "(none)"}'."),
                _ => (null, ""),
            };
            if (code is not null)
            {
                await WriteAsync(context, code, detail, null);
            }
        }
    }

    /// <summary>Writes a problem response with <paramref name="code"/>'s status.</summary>
    public static async Task WriteAsync(HttpContext context, string code, string detail, IReadOnlyDictionary<string, string>? headers)
    {
        var status = ProblemCodes.StatusFor(code);
        var response = context.Response;
        response.Clear();
        response.StatusCode = status;
        response.ContentType = ApiProblem.MediaType;
        response.Headers.CacheControl = "no-store";
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }
        }

        if (status == StatusCodes.Status503ServiceUnavailable && !response.Headers.ContainsKey("Retry-After"))
        {
            // A cluster condition that passes (a silo dying until the others declare it dead, the database
            // restarting): a second is the wait after which another try may find it passed.
            response.Headers["Retry-After"] = "1";
        }

        var problem = new ApiProblem
        {
            Type = ProblemCodes.TypePrefix + code,
            Title = ProblemCodes.TitleFor(code),
            Status = status,
            Detail = detail,
            Code = code,
            Instance = context.Request.Path.Value ?? "",
            TraceId = TraceIdOf(context),
        };
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await JsonSerializer.SerializeAsync(response.Body, problem, MarketplaceJson.Options, context.RequestAborted);
        }
    }

    /// <summary>The W3C trace id of the request, or ASP.NET's request id when no activity runs.</summary>
    public static string TraceIdOf(HttpContext context) =>
        Activity.Current is { } activity ? activity.TraceId.ToHexString() : context.TraceIdentifier;

    private async Task HandleAsync(HttpContext context, Exception exception)
    {
        var (code, detail, headers) = Classify(exception, context);
        var status = ProblemCodes.StatusFor(code);
        if (status == StatusCodes.Status500InternalServerError)
        {
            // A fault of this silo (internal, blob_integrity): logged with its stack trace for the
            // trace id the answer quotes.
            ApiLog.RequestFailed(logger, exception, context.Request.Method, context.Request.Path, code, TraceIdOf(context));
        }
        else if (status >= 500)
        {
            // A refusal the silo meant or a cluster condition (unavailable, timeout, storage_unavailable, ...): one
            // warning line naming it, no stack trace; a client cannot fill the error log by causing them.
            ApiLog.RequestRefused(logger, context.Request.Method, context.Request.Path, status, code,
                exception.GetType().Name, exception.Message, TraceIdOf(context));
        }

        if (context.Response.HasStarted)
        {
            if (status < 500)
            {
                ApiLog.RequestFailedAfterResponseStarted(logger, context.Request.Method, context.Request.Path, code,
                    exception.GetType().Name, exception.Message);
            }

            context.Abort();
            return;
        }

        await WriteAsync(context, code, detail, headers);
    }

    internal static (string Code, string Detail, IReadOnlyDictionary<string, string>? Headers) Classify(Exception exception, HttpContext context)
    {
        switch (exception)
        {
            case ApiProblemException problem:
                return (problem.Code, problem.Message, problem.Headers);
            case MarketplaceException marketplace:
                return (marketplace.Code, marketplace.Message, null);
            case JsonException json:
                return (ProblemCodes.InvalidJson, JsonRequestBody.Describe(json), null);
            case BadHttpRequestException bad:
                // Kestrel's framing errors while the body is read: bad chunk size, truncated body, body too large.
                var code = ProblemCodes.ForTransportStatus(bad.StatusCode);
                return code == ProblemCodes.MalformedRequest
                    ? (code, $"The HTTP request is malformed: {bad.Message}", null)
                    : (code, ProblemCodes.TransportDetail(code), null);
            case TimeoutException:
                return (ProblemCodes.Timeout, "The silo did not answer in time; the operation may still complete.", null);
            case SiloUnavailableException:
                return (ProblemCodes.Unavailable, "The silo is not running (starting or shutting down); retry shortly.", null);
            case OrleansMessageRejectionException:
                // The call did not reach its grain: e.g. forwarded too often while the grain's activations came and went
                // (many concurrent reads of an id that is not stored, each retiring the activation it found).
                return (ProblemCodes.Unavailable, "The request could not reach its resource just now; retry shortly.", null);
            case ChainSettlementUnavailableException:
                return (ProblemCodes.Unavailable, "The settlement chain did not answer; retry shortly (a submission with the same request id is applied once, its escrow taken up again).", null);
            case Marketplace.Grains.ClusterStorageUnavailableException or Marketplace.Persistence.PostgreSql.PostgreSqlGrainDirectoryException:
                return (ProblemCodes.Unavailable, "The cluster's storage did not answer; the request may not have taken effect. Retry shortly (a submission with the same request id is applied once).", null);
            case Orleans.Storage.InconsistentStateException:
                // A grain's write found its stored record changed (typically: a write that reached the database just
                // before the connection dropped, sent again): the activation is dropped and reloads on the next call.
                return (ProblemCodes.Unavailable, "The request met a stored record that had changed under it; retry shortly (a submission with the same request id is applied once).", null);
            case var outage when Marketplace.Grains.StorageOutageCallFilter.DatabaseFailure(outage) is not null:
                // The cluster's database did not answer (PostgreSQL restarting, a connection refused or dropped), as
                // the grain storage or the membership table reports it: the request may be retried, with the same
                // request id where it has one.
                return (ProblemCodes.Unavailable, "The cluster's storage did not answer; the request may not have taken effect. Retry shortly (a submission with the same request id is applied once).", null);
            case OrleansException:
                // The runtime itself failed the call (an activation lost with its silo, a gateway too busy, a
                // forwarding limit): transient, the request may be retried; logged with its type as a warning.
                return (ProblemCodes.Unavailable, "The cluster could not complete the request just now; retry shortly (a submission with the same request id is applied once).", null);
            default:
                return (ProblemCodes.Internal, $"An internal error occurred; quote trace id {TraceIdOf(context)} when reporting it.", null);
        }
    }
}
