using System.Globalization;

namespace Marketplace.Runtime;

/// <summary>
/// The canonical string forms of grain keys used inside <see cref="GrainId.Key"/>: GUIDs in "N" format, integers in
/// invariant decimal, compound keys as <c>key+extension</c>. These forms are durable (storage rows use them).
/// </summary>
public static class GrainKey
{
    /// <summary>Separator between a compound key and its extension.</summary>
    public const char ExtensionSeparator = '+';

    /// <summary>Formats a GUID key.</summary>
    public static string Format(Guid key) => key.ToString("N", CultureInfo.InvariantCulture);

    /// <summary>Formats an integer key.</summary>
    public static string Format(long key) => key.ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats a GUID compound key.</summary>
    public static string Format(Guid key, string? extension) => Compound(Format(key), extension);

    /// <summary>Formats an integer compound key.</summary>
    public static string Format(long key, string? extension) => Compound(Format(key), extension);

    /// <summary>Reads a GUID key (and extension, when compound).</summary>
    /// <exception cref="FormatException">The key is not a GUID key.</exception>
    public static Guid ParseGuid(string key, out string? extension)
    {
        var main = Split(key, out extension);
        return Guid.TryParseExact(main, "N", out var g) ? g : throw new FormatException($"Grain key '{key}' is not a GUID key.");
    }

    /// <summary>Reads an integer key (and extension, when compound).</summary>
    /// <exception cref="FormatException">The key is not an integer key.</exception>
    public static long ParseLong(string key, out string? extension)
    {
        var main = Split(key, out extension);
        return long.TryParse(main, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"Grain key '{key}' is not an integer key.");
    }

    private static string Compound(string main, string? extension) =>
        extension is null ? main : string.Concat(main, "+", extension);

    private static string Split(string key, out string? extension)
    {
        var plus = key.IndexOf(ExtensionSeparator, StringComparison.Ordinal);
        if (plus < 0)
        {
            extension = null;
            return key;
        }

        extension = key[(plus + 1)..];
        return key[..plus];
    }
}
