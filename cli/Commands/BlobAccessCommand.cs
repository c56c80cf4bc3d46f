using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>blob-access --id B</c>: who may read a blob the caller owns (owner count, clients it is shared with,
/// public or not). Another client's blob is <c>blob_not_found</c> (exit 2), as over HTTP.</summary>
internal static class BlobAccessCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Blob();
        var command = new Command("blob-access", "Show who may read a blob you own.") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            BlobAccessView.Show(run, await client.GetBlobAccessAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
