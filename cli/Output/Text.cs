using System.Globalization;
using Marketplace.GrainInterfaces;
using Spectre.Console;

namespace Marketplace.Cli.Output;

/// <summary>Formatting shared by the renderers.</summary>
internal static class Text
{
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / (1024d * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / (1024d * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
    };

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A reputation score, three decimals, as every view shows it (the CLI's tables and the marketplace
    /// dashboard alike): 0.995 stays 0.995 rather than rounding to 1.00 in one place only.</summary>
    public static string Reputation(double score) => score.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>An amount of the settlement in smallest units, plain digits (as <c>--amount</c> takes it).</summary>
    public static string Amount(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "-";

    public static string Ms(long ms) => ms.ToString(CultureInfo.InvariantCulture) + " ms";

    public static string Pairs(Dictionary<string, string>? pairs) =>
        pairs is null || pairs.Count == 0 ? "-" : string.Join(", ", pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

    public static string Status(JobStatus status) => Sdk.MarketplaceClientExtensions.ToWireName(status);

    /// <summary>Escapes Spectre markup in data.</summary>
    public static string Safe(string? text) => Markup.Escape(text ?? "");

    /// <summary>A two-column key/value grid.</summary>
    public static Grid Grid(params (string Key, string Value)[] rows)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn(new GridColumn());
        foreach (var (key, value) in rows)
        {
            grid.AddRow(new Spectre.Console.Text(key), new Spectre.Console.Text(value));
        }

        return grid;
    }
}
