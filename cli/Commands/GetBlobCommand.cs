using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.Cli.Parsing;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>get-blob --id B [--out F] [--offset N] [--length N]</c>: downloads a blob or a range of it, every chunk
/// verified; to a file (with a progress bar, via a .partial file) or to stdout.</summary>
internal static class GetBlobCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Blob();
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file (default or '-': stdout)." };
        var offset = new Option<string?>("--offset") { Description = "First byte of a range (bytes, or 4KiB, 1MiB, ...)." };
        var length = new Option<string?>("--length") { Description = "Length of a range (default: to the end)." };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw a progress bar." };
        var command = new Command("get-blob", "Download a blob (or a range of it), verifying every chunk.") { id, output, offset, length, noProgress };
        context.SetAction(command, async run =>
        {
            var blobId = run.Get(id)!;
            var from = run.Get(offset) is { } o ? ValueText.Bytes("--offset", o) : 0;
            long? count = run.Get(length) is { } l ? ValueText.Bytes("--length", l) : null;
            var outPath = run.Get(output);
            var client = await run.ClientAsync().ConfigureAwait(false);
            if (LocalFiles.IsStandardOutput(outPath))
            {
                var stdout = run.Environment.OpenStandardOutput();
                await using (stdout.ConfigureAwait(false))
                {
                    await client.DownloadBlobAsync(blobId, stdout, from, count, null, run.CancellationToken).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }

            // The manifest gives the progress line its total. A blob stored as one of the client's storage deals has
            // no chunk-store manifest but downloads all the same; its total is then unknown up front.
            long? total = count;
            try
            {
                var manifest = await client.GetBlobManifestAsync(blobId, run.CancellationToken).ConfigureAwait(false);
                total = Math.Max(0, Math.Min(manifest.Size - from, count ?? long.MaxValue));
            }
            catch (BlobNotFoundException)
            {
                // No chunk-store blob: the download below reads a deal's blob or reports blob_not_found itself.
                total = count;
            }

            var written = await LocalFiles.WriteAtomicallyAsync(outPath!, async file =>
            {
                await TransferProgress.RunAsync(run, "download " + Path.GetFileName(outPath!), total, !run.Get(noProgress), async progress =>
                {
                    await client.DownloadBlobAsync(blobId, file, from, count, progress, run.CancellationToken).ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
                return file.Length;
            }).ConfigureAwait(false);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new { id = blobId, offset = from, bytes = written, file = Path.GetFullPath(outPath!) });
            }
            else
            {
                run.Environment.Output.WriteLine($"wrote {Text.Number(written)} bytes of {blobId} to {outPath}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
