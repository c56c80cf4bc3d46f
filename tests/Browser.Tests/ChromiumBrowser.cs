using Microsoft.Playwright;

namespace Marketplace.Browser.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright: headless, no sandbox (tests may run as root in a container), nothing that
/// reaches the network on its own (no QUIC, sync, component updates or background requests), and a fresh user-data
/// folder per launch, so no state survives from one run to the next.
/// </summary>
public static class ChromiumBrowser
{
    /// <summary>Environment variable naming another Chromium binary.</summary>
    public const string Variable = "MARKETPLACE_CHROMIUM";

    /// <summary>The Chromium binary: <see cref="Variable"/>, else <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>The command-line switches every launch passes.</summary>
    public static IReadOnlyList<string> Arguments { get; } =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Launches Chromium with a fresh user-data folder under <paramref name="userDataFolder"/>.</summary>
    public static Task<IBrowserContext> LaunchAsync(IPlaywright playwright, string userDataFolder)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ExecutablePath} (apt-get install chromium, or set {Variable}).");
        }

        Directory.CreateDirectory(userDataFolder);
        return playwright.Chromium.LaunchPersistentContextAsync(userDataFolder, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = [.. Arguments],
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            Timeout = 120_000,
        });
    }
}
