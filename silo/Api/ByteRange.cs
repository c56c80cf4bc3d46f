using System.Globalization;

namespace Marketplace.Silo.Api;

/// <summary>One byte range [<see cref="Start"/>, <see cref="End"/>] (inclusive) of a resource.</summary>
internal readonly record struct ByteRange(long Start, long End)
{
    public long Length => End - Start + 1;

    /// <summary>
    /// Parses a <c>Range</c> header against a resource of <paramref name="size"/> bytes (RFC 9110 §14.1.2): one range
    /// <c>bytes=a-b</c>, <c>bytes=a-</c> or <c>bytes=-n</c>. Null header: no range. Anything else (another unit,
    /// several ranges, malformed numbers, a start past the end) is a 416 problem naming the header.
    /// </summary>
    public static ByteRange? Parse(string? header, long size)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        var text = header.AsSpan().Trim();
        if (!text.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            throw NotSatisfiable(header, size, "only the 'bytes' unit is supported");
        }

        var spec = text[6..].Trim();
        if (spec.Contains(','))
        {
            throw NotSatisfiable(header, size, "only a single range is supported");
        }

        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            throw NotSatisfiable(header, size, "a range is 'first-last', 'first-' or '-suffix'");
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            if (!TryParseNumber(last, out var suffix) || suffix == 0)
            {
                throw NotSatisfiable(header, size, "the suffix length must be a positive integer");
            }

            return new ByteRange(Math.Max(0, size - suffix), size - 1);
        }

        if (!TryParseNumber(first, out var start))
        {
            throw NotSatisfiable(header, size, "the first byte must be a non-negative integer");
        }

        long end = size - 1;
        if (!last.IsEmpty)
        {
            if (!TryParseNumber(last, out end) || end < start)
            {
                throw NotSatisfiable(header, size, "the last byte must be an integer not below the first");
            }

            end = Math.Min(end, size - 1);
        }

        if (start >= size)
        {
            throw NotSatisfiable(header, size, $"the first byte {start} is past the end");
        }

        return new ByteRange(start, end);
    }

    private static bool TryParseNumber(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static ApiProblemException NotSatisfiable(string header, long size, string why)
    {
        var problem = new ApiProblemException(
            ProblemCodes.RangeNotSatisfiable,
            $"Range '{(header.Length > 100 ? header[..100] + "…" : header)}' cannot be served for {size} bytes: {why}.");
        problem.Headers["Content-Range"] = $"bytes */{size}";
        return problem;
    }
}
