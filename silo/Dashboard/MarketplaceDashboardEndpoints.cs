// Design: the operators' marketplace page is three static files embedded in this assembly (HTML, CSS, vanilla JS; no
// build step, nothing fetched from elsewhere) and two data endpoints. It lives under /dashboard, so like the Orleans
// dashboard it answers loopback callers, and other callers only with an operator's key (OperatorOnlyMiddleware). The files are public: they hold no data. The
// data endpoints are API endpoints in all but their prefix: RequiresApiKey puts them behind the same ApiKeyMiddleware
// as /v1 (the same 401 problem for a missing or unknown key, the same rate limit and request signatures), and they
// answer only operators (Marketplace:Api:Operators), since they show every client's jobs, deals and balances. The
// page sends the key in the Authorization header of fetch() calls, never in a URL, so the live feed is server-sent
// events read through fetch() (EventSource cannot send headers).
using System.Globalization;
using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Silo.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Dashboard;

/// <summary>Registers and maps the marketplace page at <see cref="PagePath"/>.</summary>
internal static class MarketplaceDashboardEndpoints
{
    /// <summary>The page.</summary>
    public const string PagePath = ApiHostingExtensions.DashboardPath + "/marketplace";

    /// <summary>Recent jobs shown when no <c>limit</c> is given.</summary>
    public const int DefaultRecentJobs = 25;

    /// <summary>Largest <c>limit</c> of recent jobs.</summary>
    public const int MaxRecentJobs = 100;

    // The files hold no inline script or style, so the policy allows only this origin's files and connections.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    // The page's files, read once from the assembly's resources.
    private static readonly Lazy<Dictionary<string, byte[]>> Assets = new(() =>
    {
        var assembly = typeof(MarketplaceDashboardEndpoints).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in new[] { "marketplace.html", "marketplace.css", "marketplace.js" })
        {
            using var stream = assembly.GetManifestResourceStream("Marketplace.Silo.Dashboard." + name)
                ?? throw new InvalidOperationException($"The silo assembly lacks its embedded page file {name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name] = copy.ToArray();
        }

        return files;
    });

    public static IServiceCollection AddMarketplaceDashboard(this IServiceCollection services)
    {
        services.AddOptions<MarketplaceDashboardOptions>().BindConfiguration(MarketplaceDashboardOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MarketplaceDashboardOptions>, MarketplaceDashboardOptionsValidator>();
        services.TryAddKeyedSingleton(MarketplaceSnapshotReader.ClockKey, TimeProvider.System);
        services.AddSingleton<MarketplaceSnapshotReader>();
        return services;
    }

    public static void MapMarketplaceDashboard(this WebApplication app)
    {
        var page = app.MapGroup(PagePath).ExcludeFromDescription();
        string[] read = [HttpMethods.Get, HttpMethods.Head];
        page.MapMethods("", read, () => Asset("marketplace.html", "text/html; charset=utf-8"));
        page.MapMethods("/marketplace.css", read, () => Asset("marketplace.css", "text/css; charset=utf-8"));
        page.MapMethods("/marketplace.js", read, () => Asset("marketplace.js", "text/javascript; charset=utf-8"));

        var data = page.MapGroup("/api").WithMetadata(RequiresApiKey.Instance);
        data.MapGet("/snapshot", SnapshotAsync);
        data.MapGet("/events", EventsAsync);
        data.MapGet("/jobs/{id}/history", JobHistoryAsync);
    }

    /// <summary>A job's hash-chained history for the page's history panel: the job's owner is named by
    /// <c>client_id</c> (the page has it from the snapshot), as every job read names its client.</summary>
    private static async Task<IResult> JobHistoryAsync(string id, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "client_id")] string? clientId, HttpContext context, IGrainFactory grains, IOptions<ApiOptions> api)
    {
        RequireOperator(context, api.Value);
        var jobId = ResourceIds.RequireReference(id, "job id");
        if (string.IsNullOrEmpty(clientId) || clientId.Length > 256)
        {
            throw new InvalidRequestException("client_id: the job's client is required (1-256 characters)");
        }

        var history = await grains.GetGrain<IJobGrain>(jobId).GetHistoryAsync(clientId);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(history, MarketplaceJson.Options);
    }

    private static async Task<IResult> SnapshotAsync(string? limit, HttpContext context, MarketplaceSnapshotReader reader, IOptions<ApiOptions> api)
    {
        RequireOperator(context, api.Value);
        var snapshot = await reader.GetAsync(RecentJobs(limit));
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(snapshot, MarketplaceJson.Options);
    }

    /// <summary>Server-sent events: a <c>snapshot</c> event at once and every refresh interval, for the stream's
    /// lifetime; then an <c>end</c> event and the stream closes (the page reconnects, its key checked again).</summary>
    private static async Task EventsAsync(
        string? limit,
        HttpContext context,
        MarketplaceSnapshotReader reader,
        IOptions<ApiOptions> api,
        IOptions<MarketplaceDashboardOptions> options,
        [FromKeyedServices(MarketplaceSnapshotReader.ClockKey)] TimeProvider clock)
    {
        RequireOperator(context, api.Value);
        var recent = RecentJobs(limit);
        var settings = options.Value;
        // Read the first snapshot before the response starts, so a failure still answers a problem.
        var snapshot = await reader.GetAsync(recent);

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var lifetime = new CancellationTokenSource(settings.StreamLifetime, clock);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.Token);
        using var timer = new PeriodicTimer(settings.RefreshInterval, clock);
        var retry = ((long)settings.RefreshInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        await response.WriteAsync("retry: " + retry + "\n\n", context.RequestAborted);
        long sequence = 0;
        try
        {
            while (true)
            {
                await WriteEventAsync(response, ++sequence, "snapshot", JsonSerializer.Serialize(snapshot, MarketplaceJson.Options), stop.Token);
                await timer.WaitForNextTickAsync(stop.Token);
                snapshot = await reader.GetAsync(recent).WaitAsync(stop.Token);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // The stream's lifetime is over: say so, so the page reconnects at once.
            await WriteEventAsync(response, ++sequence, "end", "{}", context.RequestAborted);
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, long id, string name, string json, CancellationToken cancellation)
    {
        var text = new StringBuilder(json.Length + 64)
            .Append("id: ").Append(id.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("event: ").Append(name).Append('\n')
            .Append("data: ").Append(json).Append("\n\n")
            .ToString();
        await response.WriteAsync(text, cancellation);
        await response.Body.FlushAsync(cancellation);
    }

    /// <summary>The <c>limit</c> query value: <see cref="DefaultRecentJobs"/> when absent, else 1 to
    /// <see cref="MaxRecentJobs"/> (anything else is <c>invalid_request</c> naming <c>limit</c>).</summary>
    private static int RecentJobs(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return DefaultRecentJobs;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > MaxRecentJobs)
        {
            var shown = text.Length > 40 ? text[..40] + "…" : text;
            throw new InvalidRequestException($"limit: '{shown}' must be an integer from 1 to {MaxRecentJobs}");
        }

        return limit;
    }

    private static void RequireOperator(HttpContext context, ApiOptions options)
    {
        if (!options.Operators.Contains(ApiClient.IdOf(context)))
        {
            throw new AccessDeniedException("the marketplace page shows every client's jobs and funds: only the silo's operators (Marketplace:Api:Operators) may read it");
        }
    }

    private static AssetResult Asset(string name, string contentType) => new(Assets.Value[name], contentType);

    /// <summary>One embedded file with the page's security headers.</summary>
    private sealed class AssetResult(byte[] content, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = contentType;
            response.ContentLength = content.Length;
            response.Headers.CacheControl = "no-cache";
            response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["Referrer-Policy"] = "no-referrer";
            response.Headers.XFrameOptions = "DENY";
            return HttpMethods.IsHead(httpContext.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(content).AsTask();
        }
    }
}
