using System.Net;
using Marketplace.Sdk;
using Marketplace.Silo;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Api.Tests;

/// <summary>
/// The real silo process (grain runtime, marketplace grains, HTTP API) built by <see cref="MarketplaceSiloHost"/> in a
/// fresh temporary data folder, HTTP on 127.0.0.1 port 0 and the grain gateway on port 0. Shared by the API and CLI
/// tests. Two clients are configured by default: <see cref="AliceKey"/> (client <c>alice</c>) and
/// <see cref="BobKey"/> (client <c>bob</c>).
/// </summary>
public sealed class ApiTestSilo : IAsyncDisposable
{
    /// <summary>API key of client <c>alice</c>.</summary>
    public const string AliceKey = "test-key-alice-0123456789abcdef";

    /// <summary>API key of client <c>bob</c>.</summary>
    public const string BobKey = "test-key-bob-0123456789abcdef01";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly StringWriter _notices = new();
    private WebApplication _app;

    private ApiTestSilo(string dataFolder, Dictionary<string, string?> settings, Action<IServiceCollection>? services, WebApplication app)
    {
        DataFolder = dataFolder;
        _settings = settings;
        _services = services;
        _app = app;
    }

    /// <summary>The data folder (SQLite, chunk store, dev key); deleted on dispose.</summary>
    public string DataFolder { get; }

    /// <summary>The HTTP base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The grain gateway endpoint.</summary>
    public IPEndPoint GatewayEndpoint { get; private set; } = null!;

    /// <summary>The running application (its Services hold the grain factory).</summary>
    public WebApplication App => _app;

    /// <summary>What the silo printed for operators (the dev key notice).</summary>
    public string Notices => _notices.ToString();

    /// <summary>Starts a silo. <paramref name="settings"/> add or override configuration keys; with
    /// <paramref name="withKeys"/> false no API keys are configured (the dev key path); <paramref name="services"/>
    /// registers services before the silo's own (e.g. a fake clock), which the silo then does not replace.</summary>
    public static async Task<ApiTestSilo> StartAsync(IDictionary<string, string?>? settings = null, bool withKeys = true, string? dataFolder = null, Action<IServiceCollection>? services = null)
    {
        var folder = dataFolder ?? Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Marketplace:DataFolder"] = folder,
            ["Marketplace:Http:Urls"] = "http://127.0.0.1:0",
            ["Marketplace:Cluster:SiloPort"] = FreeTcpPorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:GatewayPort"] = FreeTcpPorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:ServiceId"] = "marketplace-api-tests",
            ["Marketplace:Reminders:MinimumReminderPeriod"] = "00:00:01",

            // Jobs run once unless a test asks for a committee (committee_size): the receipt and job tests read the
            // executor's receipt and count runs.
            ["Marketplace:Jobs:DefaultCommitteeSize"] = "0",
        };
        if (withKeys)
        {
            TestGatewayServices.AddTo(all);
            all["Marketplace:Api:Keys:" + AliceKey] = "alice";
            all["Marketplace:Api:Keys:" + BobKey] = "bob";
        }

        if (settings is not null)
        {
            foreach (var (key, value) in settings)
            {
                all[key] = value;
            }
        }

        var silo = new ApiTestSilo(folder, all, services, null!);
        silo._app = await silo.BuildAndStartAsync();
        return silo;
    }

    /// <summary>A plain HTTP client on <see cref="BaseAddress"/> with no key.</summary>
    public HttpClient NewHttpClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>An sdk client with <paramref name="apiKey"/>.</summary>
    public HttpMarketplaceClient NewClient(string apiKey = AliceKey) => new(BaseAddress, apiKey);

    /// <summary>Stops the silo gracefully and starts it again on the same data folder and settings.</summary>
    public async Task RestartAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = await BuildAndStartAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalizer-owned handle; the temp folder is cleaned by the OS eventually.
        }
    }

    private async Task<WebApplication> BuildAndStartAsync()
    {
        var builder = MarketplaceSiloHost.CreateBuilder([]);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (Environment.GetEnvironmentVariable("MARKETPLACE_TEST_LOGS") == "1")
        {
            builder.Logging.AddConsole();
        }
        builder.Configuration.AddInMemoryCollection(_settings);
        _services?.Invoke(builder.Services);
        var app = MarketplaceSiloHost.Build(builder, _notices);
        await app.StartAsync();
        BaseAddress = new Uri(MarketplaceSiloHost.GetHttpAddresses(app)[0].AbsoluteUri.TrimEnd('/') + "/");
        GatewayEndpoint = MarketplaceSiloHost.GetGatewayEndpoint(app);
        return app;
    }
}
