using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Output;

/// <summary>How blobs are shown.</summary>
internal static class BlobView
{
    public static void Show(VerbRun run, BlobManifest manifest)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, manifest);
            return;
        }

        run.Environment.Console.Write(Text.Grid(
            ("id", manifest.Id),
            ("size", $"{Text.Number(manifest.Size)} bytes ({Text.Bytes(manifest.Size)})"),
            ("media type", manifest.MediaType),
            ("chunks", manifest.Chunks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("created", Text.Time(manifest.CreatedAt))));
    }
}
