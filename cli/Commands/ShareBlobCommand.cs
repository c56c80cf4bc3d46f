using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>share-blob --id B --client C</c>: lets client C read a blob the caller owns, and shows the access list.
/// C may read but not share further.</summary>
internal static class ShareBlobCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Blob();
        var grantee = GranteeOption.Create("The client id to share the blob with.");
        var command = new Command("share-blob", "Let another client read a blob you own.") { id, grantee };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            BlobAccessView.Show(run, await client.ShareBlobAsync(run.Get(id)!, run.Get(grantee)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
