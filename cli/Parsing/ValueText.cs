using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Parsing;

/// <summary>Parses the CLI's value syntaxes: durations, byte sizes, amounts, ids and <c>key=value</c> pairs. Every
/// failure is a <see cref="CliException"/> (usage) naming the option and the accepted forms.</summary>
internal static class ValueText
{
    /// <summary>A duration in milliseconds: a plain number is milliseconds; suffixes <c>ms</c>, <c>s</c>, <c>m</c>,
    /// <c>h</c> (<c>250ms</c>, <c>30s</c>, <c>1.5m</c>).</summary>
    public static long DurationMs(string option, string text)
    {
        var (number, unit) = Split(text);
        var factor = unit switch
        {
            "" or "ms" => 1d,
            "s" => 1_000d,
            "m" or "min" => 60_000d,
            "h" => 3_600_000d,
            _ => double.NaN,
        };
        if (double.IsNaN(factor) || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value * factor > long.MaxValue)
        {
            throw CliException.Usage($"{option}: '{text}' is not a duration (e.g. 500, 500ms, 30s, 5m, 1h).");
        }

        return (long)Math.Round(value * factor);
    }

    /// <summary>A size in bytes: a plain number is bytes; suffixes <c>KiB</c>, <c>MiB</c>, <c>GiB</c> (and
    /// <c>K</c>/<c>M</c>/<c>G</c>, binary as well).</summary>
    public static long Bytes(string option, string text)
    {
        var (number, unit) = Split(text);
        long factor = unit.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            _ => 0,
        };
        if (factor == 0 || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value * factor > long.MaxValue)
        {
            throw CliException.Usage($"{option}: '{text}' is not a size (e.g. 65536, 64KiB, 64MiB, 1GiB).");
        }

        return (long)Math.Round(value * factor);
    }

    /// <summary><c>key=value</c> items into a dictionary; the key is non-empty, the value may be empty, a repeated
    /// key is an error.</summary>
    public static Dictionary<string, string> Pairs(string option, IEnumerable<string>? items)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw CliException.Usage($"{option}: '{item}' is not key=value.");
            }

            var key = item[..equals].Trim();
            if (key.Length == 0)
            {
                throw CliException.Usage($"{option}: '{item}' has an empty key.");
            }

            if (!pairs.TryAdd(key, item[(equals + 1)..]))
            {
                throw CliException.Usage($"{option}: key '{key}' is given twice.");
            }
        }

        return pairs;
    }

    /// <summary>An amount of the settlement: a whole number of smallest units (a millionth of a price unit), digits
    /// only, from 1 to <see cref="UInt128.MaxValue"/>.</summary>
    public static UInt128 Amount(string option, string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || !t.All(char.IsAsciiDigit))
        {
            throw CliException.Usage($"{option}: '{text}' is not an amount: give a whole number of smallest units (a millionth of a price unit) from 1 to {UInt128.MaxValue}.");
        }

        if (!UInt128.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            throw CliException.Usage($"{option}: '{text}' is more than the largest amount, {UInt128.MaxValue}.");
        }

        return amount != UInt128.Zero
            ? amount
            : throw CliException.Usage($"{option}: must be at least 1 smallest unit (0 moves nothing).");
    }

    /// <summary>Checks an id the settlement takes (a client, worker, deposit or operation id): 1 to 128 characters
    /// without control characters, '/' or surrounding spaces.</summary>
    public static string SettlementId(string option, string text) => ClientIds.IsValid(text)
        ? text
        : throw CliException.Usage($"{option}: '{text}' is not an id: give 1 to 128 characters without control characters, '/' or surrounding spaces.");

    /// <summary>Checks a gateway address: <c>host:port</c> with a port in 1..65535.</summary>
    public static string Gateway(string text)
    {
        foreach (var gateway in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = gateway.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw CliException.Usage($"--gateway: '{gateway}' is not host:port (e.g. 127.0.0.1:30000, or several separated by commas).");
            }
        }

        return text;
    }

    private static (string Number, string Unit) Split(string text)
    {
        var t = text.Trim();
        var i = 0;
        while (i < t.Length && (char.IsAsciiDigit(t[i]) || t[i] == '.'))
        {
            i++;
        }

        return (t[..i], t[i..].Trim());
    }
}
