// Design: the storage providers as a client picks among them. `providers` lists what the directory knows, one row per
// provider; `provider <id>` shows one with its reputation and bonded stake, read in one call so the three agree.
// Stake changes and storage fault evidence stay on the HTTP API (operators' and auditors' tools), not here.
using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>providers</c> and <c>provider &lt;id&gt;</c>.</summary>
internal static class ProviderCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Show(context)];

    private static Command List(CliContext context)
    {
        var command = new Command("providers", "List the storage providers: online, free space of capacity, price per GiB-month, region, silo.");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            ProviderView.List(run, await client.ListStorageProvidersAsync(run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliContext context)
    {
        var id = new Argument<string>("provider-id") { Description = "The storage provider id." };
        var command = new Command("provider", "Show a storage provider: its advertisement, reputation score and ban, bonded stake.") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            ProviderView.Show(run, await client.GetStorageProviderAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
