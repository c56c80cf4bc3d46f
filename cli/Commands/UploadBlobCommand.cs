using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>upload-blob --file F [--media-type T]</c>: streams a file into a blob, with a progress bar.</summary>
internal static class UploadBlobCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Option<string>("--file", "-f") { Description = "The file to upload.", Required = true };
        var mediaType = new Option<string?>("--media-type", "--mime") { Description = "Media type to record (default: from the file extension)." };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw a progress bar." };
        var command = new Command("upload-blob", "Upload a file as a blob (streamed; chunked and deduplicated by the silo).") { file, mediaType, noProgress };
        context.SetAction(command, async run =>
        {
            var path = LocalFiles.Existing("--file", run.Get(file));
            var type = run.Get(mediaType) ?? LocalFiles.MediaTypeOf(path);
            var client = await run.ClientAsync().ConfigureAwait(false);
            var stream = LocalFiles.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                var manifest = await TransferProgress.RunAsync(run, "upload " + Path.GetFileName(path), stream.Length, !run.Get(noProgress),
                    progress => client.UploadBlobAsync(stream, type, progress, run.CancellationToken)).ConfigureAwait(false);
                BlobView.Show(run, manifest);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
