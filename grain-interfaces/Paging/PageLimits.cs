using System.Globalization;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The page size of every list (HTTP API, sdk, CLI): <see cref="Default"/> entries unless a <c>limit</c> is given, at
/// most <see cref="Max"/>. Grains answer at most <see cref="Max"/> + 1 entries per call (the one beyond a page tells
/// whether another page follows), so no list call returns an unbounded list.
/// </summary>
public static class PageLimits
{
    /// <summary>Entries per page when no limit is given.</summary>
    public const int Default = 100;

    /// <summary>Largest limit a list accepts.</summary>
    public const int Max = 1000;

    /// <summary>Throws <see cref="InvalidRequestException"/> naming <c>limit</c> unless 1 ≤ <paramref name="limit"/>
    /// ≤ <see cref="Max"/>; returns it.</summary>
    public static int Check(int limit) => limit is >= 1 and <= Max
        ? limit
        : throw new InvalidRequestException($"limit: {limit} must be an integer from 1 to {Max}");

    /// <summary>The <c>limit</c> query value: <see cref="Default"/> when absent, else a decimal integer from 1 to
    /// <see cref="Max"/> (anything else is an <see cref="InvalidRequestException"/> naming <c>limit</c>).</summary>
    public static int Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Default;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > Max)
        {
            var shown = text.Length > 40 ? text[..40] + "…" : text;
            throw new InvalidRequestException($"limit: '{shown}' must be an integer from 1 to {Max}");
        }

        return limit;
    }

    /// <summary>Throws <see cref="InvalidRequestException"/> unless a grain-side list call asks for 1 to
    /// <see cref="Max"/> + 1 entries.</summary>
    public static void CheckGrainCall(int limit)
    {
        if (limit is < 1 or > Max + 1)
        {
            throw new InvalidRequestException($"limit: {limit} must be from 1 to {Max + 1}");
        }
    }
}
