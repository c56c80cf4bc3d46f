using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Output;

/// <summary>How a blob's access list is shown.</summary>
internal static class BlobAccessView
{
    public static void Show(VerbRun run, BlobAccessList access)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, access);
            return;
        }

        run.Environment.Console.Write(Text.Grid(
            ("id", access.BlobId),
            ("public", access.Public ? "yes" : "no"),
            ("owners", access.OwnerCount.ToString(CultureInfo.InvariantCulture)),
            ("shared with", access.SharedWith.Count == 0 ? "-" : string.Join(", ", access.SharedWith)),
            ("entries", $"{access.OwnerCount + access.SharedWith.Count} of {access.MaxEntries}")));
    }
}
