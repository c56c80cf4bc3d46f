using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Silo.Dashboard;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;

namespace Marketplace.Silo.Api;

/// <summary>Registers and maps the HTTP API under <c>/v1</c>.</summary>
internal static class ApiHostingExtensions
{
    /// <summary>Path of the OpenAPI document.</summary>
    public const string OpenApiPath = "/v1/openapi.json";

    /// <summary>Path of the Orleans dashboard.</summary>
    public const string DashboardPath = "/dashboard";

    public static IServiceCollection AddMarketplaceApi(this IServiceCollection services, IConfiguration configuration, ApiKeyRegistry keys)
    {
        var options = new ApiOptions();
        configuration.GetSection("Marketplace:Api").Bind(options);
        options.MaxBlobBytes = configuration.GetValue("Marketplace:Blobs:MaxBlobBytes", BlobLimits.DefaultMaxBlobBytes);
        if (options.MaxJsonBodyBytes <= 0 || options.MaxBlobBytes <= 0)
        {
            throw new InvalidOperationException("Marketplace:Api:MaxJsonBodyBytes and Marketplace:Blobs:MaxBlobBytes must be positive.");
        }

        if (keys.DevelopmentKey is not null && options.DevelopmentKeyIsOperator && options.Operators.Count == 0
            && !string.Equals(configuration["Marketplace:Cluster:Mode"], nameof(Hosting.ClusterMode.PostgreSql), StringComparison.OrdinalIgnoreCase))
        {
            options.Operators.Add(ApiKeyRegistry.DevClientId);
        }

        services.AddSingleton(keys);
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<ClientRateLimiter>();
        services.AddOptions<RequestSigningOptions>().BindConfiguration(RequestSigningOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RequestSigningOptions>, RequestSigningOptionsValidator>();
        services.TryAddKeyedSingleton(RequestSignatureVerifier.ClockKey, TimeProvider.System);
        services.AddSingleton<RequestSignatureVerifier>();
        services.AddSingleton<ReadinessProbe>();
        services.AddSingleton<DealUploadSlots>();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        // Before Kestrel binds, a few requests go through the pipeline in memory (Marketplace:Api:WarmStartTimeout).
        WarmStartServer.Register(services);
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Kestrel's own answers to requests it refuses before the API runs get a problem+json body.
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(TransportProblems.Middleware));
            // JSON bodies; the blob upload lifts the limit for its own request and counts against MaxBlobBytes.
            kestrel.Limits.MaxRequestBodySize = options.MaxJsonBodyBytes;
        });
        services.ConfigureHttpJsonOptions(json => MarketplaceJson.Configure(json.SerializerOptions));
        services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Marketplace API";
            document.Info.Version = "v1";
            document.Info.Description =
                "Blobs, programs, jobs and workers of the Marketplace. Send the API key as 'Authorization: Bearer <key>' "
                + "or 'X-Api-Key: <key>' (health and this document are public). Errors are application/problem+json "
                + "with a stable 'code'.";
            return Task.CompletedTask;
        }));
        // The operators' marketplace page under /dashboard/marketplace (Marketplace:Dashboard).
        services.AddMarketplaceDashboard();
        return services;
    }

    public static WebApplication UseMarketplaceApi(this WebApplication app)
    {
        app.UseMiddleware<ProblemMiddleware>();
        app.UseMiddleware<OperatorOnlyMiddleware>(DashboardPath);
        app.UseRouting();
        app.UseMiddleware<ApiKeyMiddleware>();

        var v1 = app.MapGroup("/v1");
        HealthEndpoints.Map(v1.MapGroup("").WithTags("health"));
        app.MapOpenApi(OpenApiPath);

        var secured = v1.MapGroup("").WithMetadata(RequiresApiKey.Instance);
        secured.WithTags("marketplace");
        BlobEndpoints.Map(secured.MapGroup("").WithTags("blobs"));
        ProgramEndpoints.Map(secured.MapGroup("").WithTags("programs"));
        JobEndpoints.Map(secured.MapGroup("").WithTags("jobs"));
        WorkerEndpoints.Map(secured.MapGroup("").WithTags("workers"));
        MoneyEndpoints.Map(secured.MapGroup("").WithTags("money"));
        EvidenceEndpoints.Map(secured.MapGroup("").WithTags("evidence"));
        DealEndpoints.Map(secured.MapGroup("").WithTags("storage"));
        ProviderEndpoints.Map(secured.MapGroup("").WithTags("storage"));
        AdminEndpoints.Map(secured.MapGroup("").WithTags("admin"));

        // The operators' marketplace page: its files are public, its data needs an operator's API key.
        app.MapMarketplaceDashboard();

        // The Orleans dashboard: operators only. It answers callers on this machine, and callers elsewhere (a
        // published container port, a load balancer) that present an operator's API key (OperatorOnlyMiddleware).
        app.MapOrleansDashboard(DashboardPath);
        return app;
    }
}
