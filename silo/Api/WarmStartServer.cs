// Design: the first requests a silo serves build every minimal-API endpoint's request delegate (compiled expression
// trees), the route matcher and the JSON contracts of the wire types, and JIT-compile the generic code ReadyToRun
// cannot precompile; on a loaded 2-core host that took seconds, and the clients who happened to arrive first waited
// for all of it (docs/operators.md, "A restarted silo's first seconds"). So the HTTP server is wrapped: before the
// wrapped server binds its listeners, the silo sends a few requests through its own pipeline in memory, as a reserved
// warm-start client, each of them refused or read-only (no job is created, nothing is written). The Orleans silo is
// active by then, so the requests reach grains. Until the listeners bind, a client finds the port closed and goes to
// another silo, as it does while the silo starts. A bound (Marketplace:Api:WarmStartTimeout) keeps an unhealthy
// cluster from holding the listener shut.
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>The HTTP server with a warm start: the wrapped server binds only after the requests of
/// <see cref="WarmStartRequest.All"/> have gone through the application's pipeline in memory.</summary>
internal sealed class WarmStartServer(IServer inner, IOptions<ApiOptions> options, ILoggerFactory loggers) : IServer
{
    private readonly ILogger _log = loggers.CreateLogger("Marketplace.Api.WarmStart");

    public IFeatureCollection Features => inner.Features;

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        var bound = options.Value.WarmStartTimeout;
        if (bound > TimeSpan.Zero)
        {
            await WarmAsync(application, bound, cancellationToken);
        }

        await inner.StartAsync(application, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    public void Dispose() => inner.Dispose();

    /// <summary>Replaces the registered <see cref="IServer"/> (Kestrel) with itself wrapping it; without a registered
    /// server nothing changes.</summary>
    public static void Register(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IServer) && !d.IsKeyedService);
        if (registered is null)
        {
            return;
        }

        services.Remove(registered);
        services.AddSingleton<IServer>(provider => new WarmStartServer(
            Create(provider, registered),
            provider.GetRequiredService<IOptions<ApiOptions>>(),
            provider.GetRequiredService<ILoggerFactory>()));
    }

    private static IServer Create(IServiceProvider provider, ServiceDescriptor registered) =>
        (IServer)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType
                ?? throw new InvalidOperationException("The registered HTTP server has no implementation.")));

    private async Task WarmAsync<TContext>(IHttpApplication<TContext> application, TimeSpan bound, CancellationToken stopping)
        where TContext : notnull
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(bound);
        var watch = Stopwatch.StartNew();
        var statuses = new StringBuilder();
        var sent = 0;
        foreach (var request in WarmStartRequest.All)
        {
            if (deadline.IsCancellationRequested)
            {
                break;
            }

            sent++;
            var status = await SendAsync(application, request, deadline.Token);
            statuses.Append(statuses.Length == 0 ? "" : ", ").Append(status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        }

        ApiLog.WarmStartDone(_log, sent, watch.ElapsedMilliseconds, statuses.ToString());
    }

    /// <summary>Sends one request through the pipeline in memory; its status, or null when it failed outside the
    /// pipeline's own error handling or ran past the bound.</summary>
    private async Task<int?> SendAsync<TContext>(IHttpApplication<TContext> application, WarmStartRequest request, CancellationToken deadline)
        where TContext : notnull
    {
        var body = request.Body is null ? [] : Encoding.UTF8.GetBytes(request.Body);
        IHeaderDictionary headers = new HeaderDictionary { ["Host"] = "localhost" };
        if (request.Body is not null)
        {
            headers.ContentType = "application/json";
            headers.ContentLength = body.Length;
        }

        var queryAt = request.Path.IndexOf('?', StringComparison.Ordinal);
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Scheme = "http",
            Method = request.Method,
            PathBase = "",
            Path = queryAt < 0 ? request.Path : request.Path[..queryAt],
            QueryString = queryAt < 0 ? "" : request.Path[queryAt..],
            Headers = headers,
            Body = new MemoryStream(body, writable: false),
        });
        var response = new HttpResponseFeature();
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = deadline });
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = "warm-start",
            LocalIpAddress = System.Net.IPAddress.Loopback,
            RemoteIpAddress = System.Net.IPAddress.Loopback,
        });
        features.Set(WarmStartClient.Instance);

        var context = application.CreateContext(features);
        var processing = application.ProcessRequestAsync(context);
        Exception? failure = null;
        try
        {
            await processing.WaitAsync(deadline);
        }
        catch (OperationCanceledException e) when (!processing.IsCompleted)
        {
            // Past the bound: the request finishes on its own (its context is left to it) and the server binds.
            ApiLog.WarmStartRequestFailed(_log, request.Method, request.Path, e.GetType().Name, "past Marketplace:Api:WarmStartTimeout");
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A warm start must never keep the silo from listening: the failure is logged and the next request sent.
            failure = e;
            ApiLog.WarmStartRequestFailed(_log, request.Method, request.Path, e.GetType().Name, e.Message);
        }

        application.DisposeContext(context, failure);
        return failure is null ? response.StatusCode : null;
    }
}
