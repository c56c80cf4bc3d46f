using Marketplace.GrainInterfaces;
using Spectre.Console;

namespace Marketplace.Cli.Output;

/// <summary>How storage providers are shown.</summary>
internal static class ProviderView
{
    public static void List(VerbRun run, StorageProviderList list)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, list);
            return;
        }

        var table = new Table().AddColumns("PROVIDER", "ONLINE", "FREE / CAPACITY", "PRICE/GIB-MONTH", "REGION", "SILO");
        foreach (var p in list.Providers)
        {
            table.AddRow(
                Text.Safe(p.ProviderId),
                p.Online ? "yes" : "no",
                $"{Text.Bytes(p.FreeBytes)} / {Text.Bytes(p.CapacityBytes)}",
                Text.Number(p.PricePerGiBMonth),
                Text.Safe(Region(p)),
                Text.Safe(p.Silo.Length == 0 ? "-" : p.Silo));
        }

        run.Environment.Console.Write(table);
        run.Environment.Output.WriteLine($"{list.Providers.Count} provider{(list.Providers.Count == 1 ? "" : "s")}");
    }

    public static void Show(VerbRun run, StorageProviderView view)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, view);
            return;
        }

        var a = view.Advertisement;
        var r = view.Reputation;
        var s = view.Stake;
        var unbonding = s.Unbonding.Aggregate(UInt128.Zero, (sum, u) => sum + u.Amount);
        run.Environment.Console.Write(Text.Grid(
            ("provider", view.ProviderId),
            ("online", a.Online ? "yes" : "no"),
            ("capacity", $"{Text.Number(a.CapacityBytes)} bytes ({Text.Bytes(a.CapacityBytes)})"),
            ("free", $"{Text.Number(a.FreeBytes)} bytes ({Text.Bytes(a.FreeBytes)})"),
            ("price", $"{Text.Number(a.PricePerGiBMonth)} per GiB-month"),
            ("labels", Text.Pairs(a.Labels)),
            ("silo", a.Silo.Length == 0 ? "-" : a.Silo),
            ("public key", a.PublicKey.Length == 0 ? "-" : a.PublicKey),
            ("announced", a.At == default ? "-" : Text.Time(a.At)),
            ("reputation", Text.Reputation(r.Score)),
            ("banned", r.BannedUntil is { } until ? $"until {Text.Time(until)}: {r.BanReason}" : "no"),
            ("wrong results", Text.Number(r.Counts.WrongResults)),
            ("bonded stake", Text.Amount(s.Bonded)),
            ("unbonding", Text.Amount(unbonding)),
            ("earnings", Text.Amount(s.Earnings))));
    }

    private static string Region(StorageProviderAdvertisement advertisement) =>
        advertisement.Labels.TryGetValue("region", out var region) ? region : "-";
}
