using System.Globalization;
using System.Numerics;

namespace Marketplace.Chain;

/// <summary>
/// The <c>0x</c>-prefixed hex forms of JSON-RPC: data (an even number of digits, any length) and quantities (no
/// leading zeros, <c>0x0</c> for zero). Parsing is strict and throws <see cref="ChainFormatException"/>.
/// </summary>
public static class Hex
{
    /// <summary>Formats bytes as lower-case <c>0x</c>-prefixed data (<c>0x</c> for no bytes).</summary>
    public static string Encode(ReadOnlySpan<byte> data) => "0x" + Convert.ToHexStringLower(data);

    /// <summary>Parses <c>0x</c>-prefixed data with an even number of hex digits (either case).</summary>
    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        {
            throw new ChainFormatException($"Hex data must start with 0x: '{Shorten(text)}'.");
        }

        var digits = text[2..];
        if (digits.Length % 2 != 0)
        {
            throw new ChainFormatException($"Hex data must have an even number of digits: '{Shorten(text)}'.");
        }

        var bytes = new byte[digits.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((Digit(digits[2 * i], text) << 4) | Digit(digits[(2 * i) + 1], text));
        }

        return bytes;
    }

    /// <summary>Formats a non-negative integer as a JSON-RPC quantity (<c>0x0</c>, <c>0x1a</c>, ...).</summary>
    public static string EncodeQuantity(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A quantity cannot be negative.");
        }

        if (value.IsZero)
        {
            return "0x0";
        }

        var hex = value.ToString("x", CultureInfo.InvariantCulture);
        return "0x" + hex.TrimStart('0');
    }

    /// <summary>Parses a JSON-RPC quantity: <c>0x</c> then 1 to 64 hex digits without leading zeros.</summary>
    public static BigInteger DecodeQuantity(ReadOnlySpan<char> text)
    {
        if (text.Length < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        {
            throw new ChainFormatException($"A quantity must be 0x followed by hex digits: '{Shorten(text)}'.");
        }

        var digits = text[2..];
        if (digits.Length > 1 && digits[0] == '0')
        {
            throw new ChainFormatException($"A quantity must not have leading zeros: '{Shorten(text)}'.");
        }

        if (digits.Length > 64)
        {
            throw new ChainFormatException($"A quantity wider than 256 bits: '{Shorten(text)}'.");
        }

        BigInteger value = BigInteger.Zero;
        foreach (var c in digits)
        {
            value = (value << 4) | Digit(c, text);
        }

        return value;
    }

    /// <summary>Parses a quantity that must fit 64 bits (block numbers, nonces, gas).</summary>
    public static ulong DecodeQuantityUInt64(ReadOnlySpan<char> text)
    {
        var value = DecodeQuantity(text);
        if (value > ulong.MaxValue)
        {
            throw new ChainFormatException($"The quantity {Shorten(text)} does not fit 64 bits.");
        }

        return (ulong)value;
    }

    private static int Digit(char c, ReadOnlySpan<char> text) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => throw new ChainFormatException($"'{c}' is not a hex digit in '{Shorten(text)}'."),
    };

    private static string Shorten(ReadOnlySpan<char> text) =>
        text.Length <= 80 ? text.ToString() : string.Concat(text[..77], "...");
}
