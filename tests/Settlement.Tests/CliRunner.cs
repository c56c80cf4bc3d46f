using Marketplace.Cli;
using Marketplace.Cli.Connection;

namespace Marketplace.Settlement.Tests;

/// <summary>Runs the <c>marketplace</c> CLI in the test process, as a user types it.</summary>
internal static class CliRunner
{
    /// <summary>The exit code, standard output and standard error of <c>marketplace <paramref name="args"/></c>.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var outText = new StringWriter();
        var errText = new StringWriter();
        var environment = new CliEnvironment(outText, errText, () => new MemoryStream(), new MarketplaceClientFactory(), _ => null);
        var exit = await MarketplaceCli.RunAsync(args, environment);
        return (exit, outText.ToString(), errText.ToString());
    }
}
