using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>client</c>: who the caller is (the API key's client, or <c>--client-id</c> over a gateway), the bytes and
/// number of the blobs it owns and its quota.</summary>
internal static class ClientCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("client", "Show your client id, the bytes your blobs take and your quota.");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            StorageView.Show(run, await client.GetStorageAsync(run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
