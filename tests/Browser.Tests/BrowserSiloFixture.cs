using System.Globalization;
using Marketplace.Sdk;
using Marketplace.Silo;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A real silo (grain runtime, marketplace grains, HTTP API, both dashboards) built by <see cref="MarketplaceSiloHost"/>
/// in a fresh data folder, HTTP on 127.0.0.1 port 0, and one Chromium shared by the tests of the <c>browser</c>
/// collection (launched on first use, so skipped tests never need it). Clients: <see cref="OperatorKey"/> (client
/// <c>ops</c>, listed in <c>Marketplace:Api:Operators</c>) and <see cref="AliceKey"/> (client <c>alice</c>).
/// </summary>
public sealed class BrowserSiloFixture : IAsyncLifetime
{
    /// <summary>API key of the operator <c>ops</c>.</summary>
    public const string OperatorKey = "test-key-operator-0123456789abcdef";

    /// <summary>API key of client <c>alice</c>, who is not an operator.</summary>
    public const string AliceKey = "test-key-alice-0123456789abcdef";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "marketplace-browser-tests", Guid.NewGuid().ToString("N"));
    private readonly SemaphoreSlim _launch = new(1, 1);
    private WebApplication _app = null!;
    private IPlaywright? _playwright;
    private IBrowserContext? _browser;

    /// <summary>The HTTP base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The marketplace page.</summary>
    public string MarketplacePage => new Uri(BaseAddress, "dashboard/marketplace").AbsoluteUri;

    /// <summary>Where the tests save their screenshots (printed by each test): <c>artifacts/screenshots</c> next to
    /// the test assembly, e.g. <c>tests/Browser.Tests/bin/Release/net10.0/artifacts/screenshots</c>.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var dataFolder = Path.Combine(_root, "data");
        Directory.CreateDirectory(dataFolder);
        var builder = MarketplaceSiloHost.CreateBuilder([]);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (Environment.GetEnvironmentVariable("MARKETPLACE_TEST_LOGS") == "1")
        {
            builder.Logging.AddConsole();
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Marketplace:DataFolder"] = dataFolder,
            ["Marketplace:Http:Urls"] = "http://127.0.0.1:0",
            ["Marketplace:Cluster:SiloPort"] = FreeTcpPorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:GatewayPort"] = FreeTcpPorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:ServiceId"] = "marketplace-browser-tests",
            ["Marketplace:Reminders:MinimumReminderPeriod"] = "00:00:01",
            ["Marketplace:Api:Keys:" + OperatorKey] = "ops",
            ["Marketplace:Api:Keys:" + AliceKey] = "alice",
            ["Marketplace:Api:Operators:0"] = "ops",
            ["Marketplace:Dashboard:RefreshInterval"] = "00:00:01",
            // Streams end often, so every test also sees the page reconnect (and its key checked again).
            ["Marketplace:Dashboard:StreamLifetime"] = "00:00:04",
        });
        _app = MarketplaceSiloHost.Build(builder);
        await _app.StartAsync();
        BaseAddress = new Uri(MarketplaceSiloHost.GetHttpAddresses(_app)[0].AbsoluteUri.TrimEnd('/') + "/");
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>A plain HTTP client on the silo, with <paramref name="apiKey"/> as its bearer key when given.</summary>
    public HttpClient NewHttpClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>An sdk client of <c>alice</c>.</summary>
    public HttpMarketplaceClient NewAliceClient() => new(BaseAddress, AliceKey);

    /// <summary>A new tab of the shared Chromium (its own sessionStorage), launching Chromium on first use.</summary>
    public async Task<IPage> NewPageAsync()
    {
        await _launch.WaitAsync();
        try
        {
            if (_browser is null)
            {
                _playwright = await Playwright.CreateAsync();
                _browser = await ChromiumBrowser.LaunchAsync(_playwright, Path.Combine(_root, "chromium-profile"));
            }
        }
        finally
        {
            _launch.Release();
        }

        var page = await _browser.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        return page;
    }

    /// <summary>Saves a full-page PNG of <paramref name="page"/> as <c>name.png</c> in <see cref="ScreenshotFolder"/>
    /// and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _launch.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finalizer-owned handle; the temp folder is cleaned by the OS eventually.
        }
    }
}

/// <summary>The tests that share <see cref="BrowserSiloFixture"/>, one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserSiloFixture>
{
    public const string Name = "browser";
}
