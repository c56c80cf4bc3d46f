// Design: the one place that builds the silo process (Orleans silo + HTTP API) so Program.cs and the tests start the
// same thing. CreateBuilder gives a WebApplicationBuilder whose configuration callers may still extend (tests add a
// temporary data folder and free ports); Build reads the final configuration, configures Orleans as
// Marketplace:Cluster says (localhost clustering with SQLite storage and reminders, or a PostgreSQL cluster), memory
// streams, the marketplace grains, the dashboard, trace propagation across grain calls, the HTTP listener, the /v1 API
// and telemetry (Marketplace:Telemetry), and returns the application ready to start.
using Marketplace.Grains;
using System.Net;
using Marketplace.Grains.Hosting;
using Marketplace.Silo.Api;
using Marketplace.Silo.Gateway;
using Marketplace.Silo.Hosting;
using Marketplace.Silo.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Marketplace.Silo;

/// <summary>Builds the Marketplace silo: the grain runtime with the marketplace and the HTTP API under <c>/v1</c>.</summary>
public static class MarketplaceSiloHost
{
    /// <summary>The HTTP address used when no URL is configured.</summary>
    public const string DefaultHttpUrl = "http://127.0.0.1:8080";

    /// <summary>A builder on the standard ASP.NET Core sources (appsettings.json next to the executable,
    /// environment, command line), then the silo's switches (<see cref="SiloSwitches"/>: <c>--config</c> files and
    /// <c>--chain</c>). Add configuration to it before <see cref="Build(WebApplicationBuilder)"/>.</summary>
    /// <exception cref="SiloSwitchException">A switch is given wrongly.</exception>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var switches = SiloSwitches.Parse(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = switches.Rest,
            ContentRootPath = AppContext.BaseDirectory,
        });
        SiloSwitches.AddTo(builder.Configuration, switches);
        return builder;
    }

    /// <summary>Configures the silo and the HTTP API from the builder's configuration and builds the application.
    /// The data folder (<c>Marketplace:DataFolder</c>, default <c>./data</c>) is created if missing.</summary>
    public static WebApplication Build(WebApplicationBuilder builder) => Build(builder, Console.Out);

    /// <summary>The HTTP addresses the started application listens on (with real ports when port 0 was asked).</summary>
    public static IReadOnlyList<Uri> GetHttpAddresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The HTTP server reports no addresses.");
        var result = new List<Uri>(addresses.Count);
        foreach (var address in addresses)
        {
            result.Add(new Uri(address));
        }

        return result;
    }

    /// <summary>The endpoint of the grain client gateway (<c>Marketplace:Cluster:Address</c> and <c>:GatewayPort</c>).</summary>
    public static IPEndPoint GetGatewayEndpoint(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<SiloClusterOptions>>().Value;
        return new IPEndPoint(IPAddress.Parse(options.Address), options.GatewayPort);
    }

    /// <summary>Configuration key of the number of default storage providers.</summary>
    internal const string DefaultProvidersKey = "Marketplace:Storage:DefaultProviders";

    /// <summary>Storage providers the silo hosts when none are listed and the setting is absent.</summary>
    internal const int DefaultProviders = 6;

    internal static WebApplication Build(WebApplicationBuilder builder, TextWriter notices)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var dataFolder = MarketplaceDataFolder.Resolve(configuration);
        Directory.CreateDirectory(dataFolder);
        configuration[MarketplaceDataFolder.Key] = dataFolder;
        // The storage market works out of the box: six providers (one default 4+2 deal) when none are listed.
        configuration[DefaultProvidersKey] ??= DefaultProviders.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Shutdown timeout (Marketplace:Host) and console format (Marketplace:Logging); in JSON, standard output
        // carries only log lines, so the operator notices (the development key banner) go to standard error.
        if (builder.AddMarketplaceHostSettings().Format == LogFormat.Json && ReferenceEquals(notices, Console.Out))
        {
            notices = Console.Error;
        }

        builder.UseOrleans(silo =>
        {
            // Localhost clustering with SQLite under the data folder, or a PostgreSQL cluster (Marketplace:Cluster).
            silo.UseMarketplaceCluster(dataFolder);
            // Capability advertisements and job events on memory streams; subscriptions persist in PubSubStore.
            silo.AddMarketplaceStreams();
            // Blobs, programs, workers and jobs (options under Marketplace:Blobs, :Programs, :Jobs, :Workers).
            silo.AddMarketplace();
            silo.AddDashboard();
            // W3C trace context rides in the RequestContext of every grain call, to this silo's grains and others'.
            silo.AddActivityPropagation();
        });

        ConfigureHttpListener(builder);
        var keys = ApiKeyRegistry.Load(configuration, dataFolder, notices);
        // The grain gateway's services (Marketplace:Gateway:Services); with none configured and the development key in
        // use, the development service 'dev' (its secret the development key) acts as the development client.
        builder.Services.AddSingleton(GatewayServiceRegistry.Load(configuration, keys.DevelopmentKey, notices));
        builder.Services.AddMarketplaceApi(configuration, keys);
        // Metrics and traces (Marketplace:Telemetry): OpenTelemetry, the Prometheus scrape endpoint, OTLP export.
        builder.AddMarketplaceTelemetry();
        // Orleans' watchdog can warn of a "stall" as long as the machine's uptime on a busy start: dropped, as it cannot
        // have happened (Hosting/WatchdogFalseAlarmFilter.cs).
        WatchdogFalseAlarmFilter.Apply(builder.Services);

        var app = builder.Build();
        app.UseMarketplaceApi();
        app.MapMarketplaceTelemetry();
        app.Lifetime.ApplicationStarted.Register(() => LogAddresses(app));
        SiloHostingExtensions.LogLifetime(app);
        return app;
    }

    // Once the silo is active and Kestrel listens: where the HTTP API, the grain gateway and the dashboard are.
    private static void LogAddresses(WebApplication app)
    {
        var http = GetHttpAddresses(app).Select(address => address.AbsoluteUri.TrimEnd('/')).ToList();
        ApiLog.SiloListening(
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Marketplace.Silo"),
            string.Join(", ", http.Select(address => address + "/v1")),
            GetGatewayEndpoint(app).ToString(),
            string.Join(", ", http.Select(address => address + ApiHostingExtensions.DashboardPath)));
    }

    // Marketplace:Http:Urls wins; otherwise ASP.NET Core's own keys (urls / ASPNETCORE_URLS / Kestrel:Endpoints)
    // apply; with none of them the API listens on loopback 8080.
    private static void ConfigureHttpListener(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var urls = configuration["Marketplace:Http:Urls"];
        if (!string.IsNullOrWhiteSpace(urls))
        {
            builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        else if (string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey])
                 && string.IsNullOrWhiteSpace(configuration["http_ports"])
                 && string.IsNullOrWhiteSpace(configuration["https_ports"])
                 && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultHttpUrl);
        }
    }
}
