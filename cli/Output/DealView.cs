using Marketplace.GrainInterfaces;
using Spectre.Console;

namespace Marketplace.Cli.Output;

/// <summary>How storage deals are shown.</summary>
internal static class DealView
{
    public static void Show(VerbRun run, DealStatus deal)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, deal);
            return;
        }

        var console = run.Environment.Console;
        console.Write(Text.Grid(
            ("deal", deal.DealId),
            ("state", Wire(deal.State)),
            ("size", $"{Text.Number(deal.Length)} bytes ({Text.Bytes(deal.Length)})"),
            ("sha256", deal.ContentSha256),
            ("blob id", deal.BlobId),
            ("policy", $"{deal.Policy.DataFragments}+{deal.Policy.ParityFragments}"),
            ("healthy", $"{deal.HealthyFragments} of {deal.Fragments.Count} fragments"),
            ("created", Text.Time(deal.CreatedAt)),
            ("ends", Text.Time(deal.EndsAt))));
        var table = new Table().AddColumns("fragment", "provider", "health", "audits passed", "failed", "last audit");
        foreach (var fragment in deal.Fragments)
        {
            table.AddRow(
                fragment.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Text.Safe(fragment.ProviderId),
                Wire(fragment.Health),
                Text.Number(fragment.AuditsPassed),
                Text.Number(fragment.AuditsFailed),
                Text.Time(fragment.AuditedAt));
        }

        console.Write(table);
        foreach (var transition in deal.History)
        {
            console.WriteLine($"{Text.Time(transition.At)}  {Wire(transition.State)}  {transition.Reason}");
        }
    }

    public static void List(VerbRun run, DealList deals)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, deals);
            return;
        }

        var table = new Table().AddColumns("deal", "state", "size", "healthy", "created");
        foreach (var deal in deals.Deals)
        {
            table.AddRow(Text.Safe(deal.DealId), Wire(deal.State), Text.Bytes(deal.Length), $"{deal.HealthyFragments}/{deal.Fragments.Count}", Text.Time(deal.CreatedAt));
        }

        run.Environment.Console.Write(table);
        run.Environment.Output.WriteLine($"{deals.Deals.Count} deal{(deals.Deals.Count == 1 ? "" : "s")}");
    }

    private static string Wire<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
