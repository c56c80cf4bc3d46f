using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>delete-blob --id B</c>: gives up the caller's ownership of a blob (the last owner's delete removes the
/// blob) and shows the caller's stored bytes afterwards.</summary>
internal static class DeleteBlobCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Blob();
        var command = new Command("delete-blob", "Give up a blob you own: its bytes no longer count against your quota.") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            var blobId = run.Get(id)!;
            await client.DeleteBlobAsync(blobId, run.CancellationToken).ConfigureAwait(false);
            var storage = await client.GetStorageAsync(run.CancellationToken).ConfigureAwait(false);
            if (!run.Json)
            {
                run.Environment.Output.WriteLine($"gave up {blobId}");
            }

            StorageView.Show(run, storage);
            return ExitCodes.Ok;
        });
        return command;
    }
}
