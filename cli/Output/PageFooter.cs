using System.Globalization;

namespace Marketplace.Cli.Output;

/// <summary>The lines under a listed page: how many entries it showed and, when more follow, the cursor of the next.</summary>
internal static class PageFooter
{
    public static void Write(VerbRun run, int count, string singular, string plural, string? nextCursor)
    {
        run.Environment.Output.WriteLine(count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural));
        if (nextCursor is not null)
        {
            run.Environment.Output.WriteLine($"more: --cursor {nextCursor} (or --all)");
        }
    }
}
