using System.Globalization;

namespace Marketplace.Chain.Abi;

/// <summary>Recursive-descent parser for ABI type names: <c>base ('[' digits? ']')*</c>, base a name or a tuple.</summary>
internal static class AbiTypeParser
{
    public static AbiType Parse(string text)
    {
        var position = 0;
        var type = ParseType(text, ref position, 0);
        if (position != text.Length)
        {
            throw Error(text, $"unexpected '{text[position]}' at position {position}");
        }

        return type;
    }

    /// <summary>Parses the inside of a parameter list such as <c>uint256,(bool,bytes)[]</c> (empty for none).</summary>
    public static AbiType[] ParseList(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var tuple = Parse("(" + text + ")");
        return [.. tuple.Components];
    }

    private static AbiType ParseType(string text, ref int position, int depth)
    {
        if (depth > AbiType.MaxDepth)
        {
            throw Error(text, $"nests deeper than {AbiType.MaxDepth} levels");
        }

        var type = position < text.Length && text[position] == '('
            ? ParseTuple(text, ref position, depth)
            : ParseElementary(text, ref position);
        while (position < text.Length && text[position] == '[')
        {
            var close = text.IndexOf(']', position);
            if (close < 0)
            {
                throw Error(text, "'[' without ']'");
            }

            var digits = text.AsSpan(position + 1, close - position - 1);
            int? length = null;
            if (digits.Length > 0)
            {
                if (digits[0] == '0' || digits.Length > 9 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    throw Error(text, $"bad array length '{digits}'");
                }

                length = n;
            }

            type = AbiType.ArrayOf(type, length);
            position = close + 1;
        }

        return type;
    }

    private static AbiType ParseTuple(string text, ref int position, int depth)
    {
        position++;
        var components = new List<AbiType>();
        if (position < text.Length && text[position] == ')')
        {
            position++;
            return AbiType.Tuple();
        }

        while (true)
        {
            components.Add(ParseType(text, ref position, depth + 1));
            if (position >= text.Length)
            {
                throw Error(text, "missing ')'");
            }

            var c = text[position++];
            if (c == ')')
            {
                return AbiType.Tuple([.. components]);
            }

            if (c != ',')
            {
                throw Error(text, $"expected ',' or ')' at position {position - 1}, found '{c}'");
            }
        }
    }

    private static AbiType ParseElementary(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && char.IsAsciiLetterOrDigit(text[position]))
        {
            position++;
        }

        var name = text.AsSpan(start, position - start);
        return name switch
        {
            "address" => AbiType.Address,
            "bool" => AbiType.Bool,
            "string" => AbiType.String,
            "bytes" => AbiType.Bytes,
            "uint" => AbiType.UInt(256),
            "int" => AbiType.Int(256),
            _ when name.StartsWith("uint") => AbiType.UInt(Number(text, name[4..])),
            _ when name.StartsWith("int") => AbiType.Int(Number(text, name[3..])),
            _ when name.StartsWith("bytes") => AbiType.FixedBytes(Number(text, name[5..])),
            _ => throw Error(text, name.IsEmpty ? $"expected a type at position {start}" : $"unknown type '{name}'"),
        };
    }

    private static int Number(string text, ReadOnlySpan<char> digits) =>
        digits.Length is >= 1 and <= 3 && digits[0] != '0' &&
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw Error(text, $"bad size '{digits}'");

    private static ChainFormatException Error(string text, string reason) =>
        new($"'{(text.Length > 120 ? text[..117] + "..." : text)}' is not an ABI type: {reason}.");
}
