using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>unpublish-blob --id B</c>: makes a blob the caller owns readable again only by its owners and the
/// clients it is shared with.</summary>
internal static class UnpublishBlobCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Blob();
        var command = new Command("unpublish-blob", "Make a blob you own private again (owners and shared clients only).") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            BlobAccessView.Show(run, await client.UnpublishBlobAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
