using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>publish-blob --id B</c>: makes a blob the caller owns readable by every client.</summary>
internal static class PublishBlobCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Blob();
        var command = new Command("publish-blob", "Make a blob you own readable by every client.") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            BlobAccessView.Show(run, await client.PublishBlobAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
