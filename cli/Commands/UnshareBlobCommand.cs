using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>unshare-blob --id B --client C</c>: revokes what <c>share-blob</c> granted client C (an owner stays an
/// owner), and shows the access list.</summary>
internal static class UnshareBlobCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Blob();
        var grantee = GranteeOption.Create("The client id whose read access to revoke.");
        var command = new Command("unshare-blob", "Revoke another client's read access to a blob you own.") { id, grantee };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            BlobAccessView.Show(run, await client.UnshareBlobAsync(run.Get(id)!, run.Get(grantee)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
