using System.Globalization;
using System.Numerics;
using System.Text;

namespace Marketplace.Chain.Abi;

/// <summary>What revert data says.</summary>
public enum RevertKind
{
    /// <summary>No data: <c>revert()</c>, <c>require(cond)</c> without a message, or out of gas.</summary>
    Empty,

    /// <summary><c>Error(string)</c>: see <see cref="RevertReason.Message"/>.</summary>
    ErrorString,

    /// <summary><c>Panic(uint256)</c>: see <see cref="RevertReason.PanicCode"/>.</summary>
    Panic,

    /// <summary>A custom error found in the contract's ABI: see <see cref="RevertReason.Error"/>.</summary>
    CustomError,

    /// <summary>Data that matches no known error (or is malformed); only <see cref="RevertReason.Data"/> is set.</summary>
    Unknown,
}

/// <summary>Revert data decoded as far as possible. Decoding never throws: what cannot be read is <see cref="RevertKind.Unknown"/>.</summary>
public sealed class RevertReason
{
    private readonly byte[] _data;

    private RevertReason(RevertKind kind, byte[] data, string? message, BigInteger? panicCode, AbiError? error, object?[] arguments)
    {
        Kind = kind;
        _data = data;
        Message = message;
        PanicCode = panicCode;
        Error = error;
        Arguments = arguments;
    }

    /// <summary>What kind of revert this is.</summary>
    public RevertKind Kind { get; }

    /// <summary>The raw revert data.</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>The message of an <c>Error(string)</c>.</summary>
    public string? Message { get; }

    /// <summary>The code of a <c>Panic(uint256)</c> (0x01 assert, 0x11 overflow, 0x12 division by zero, 0x32 index out of bounds, ...).</summary>
    public BigInteger? PanicCode { get; }

    /// <summary>The matched error: <see cref="AbiError.ErrorString"/>, <see cref="AbiError.Panic"/> or a custom error.</summary>
    public AbiError? Error { get; }

    /// <summary>The decoded arguments of <see cref="Error"/> (empty otherwise).</summary>
    public IReadOnlyList<object?> Arguments { get; }

    /// <summary>Decodes revert data; custom errors are looked up in <paramref name="errors"/> when given.</summary>
    public static RevertReason Decode(ReadOnlySpan<byte> data, IEnumerable<AbiError>? errors = null)
    {
        var copy = data.ToArray();
        if (copy.Length == 0)
        {
            return new RevertReason(RevertKind.Empty, copy, null, null, null, []);
        }

        if (copy.Length >= 4)
        {
            var selector = copy.AsSpan(0, 4);
            if (selector.SequenceEqual(AbiError.ErrorString.Selector) && TryDecode(AbiError.ErrorString, copy, out var message))
            {
                return new RevertReason(RevertKind.ErrorString, copy, (string)message[0]!, null, AbiError.ErrorString, message);
            }

            if (selector.SequenceEqual(AbiError.Panic.Selector) && TryDecode(AbiError.Panic, copy, out var code))
            {
                return new RevertReason(RevertKind.Panic, copy, null, (BigInteger)code[0]!, AbiError.Panic, code);
            }

            foreach (var error in errors ?? [])
            {
                if (selector.SequenceEqual(error.Selector) && TryDecode(error, copy, out var arguments))
                {
                    return new RevertReason(RevertKind.CustomError, copy, null, null, error, arguments);
                }
            }
        }

        return new RevertReason(RevertKind.Unknown, copy, null, null, null, []);
    }

    /// <summary>A one-line description, e.g. <c>Error("value must be positive")</c>, <c>Panic(0x12: division or modulo by zero)</c>, <c>TooLarge(5, 3)</c>.</summary>
    public override string ToString() => Kind switch
    {
        RevertKind.Empty => "reverted without data",
        RevertKind.ErrorString => $"Error(\"{Message}\")",
        RevertKind.Panic => $"Panic(0x{PanicCode!.Value.ToString("x2", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(2, '0')}: {DescribePanic(PanicCode.Value)})",
        RevertKind.CustomError => Error!.Name + "(" + FormatArguments(Arguments) + ")",
        _ => "reverted with unknown data " + Hex.Encode(_data),
    };

    /// <summary>What a Solidity panic code means.</summary>
    public static string DescribePanic(BigInteger code) => (int)BigInteger.Min(code, 0x1000) switch
    {
        0x00 => "generic compiler panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "conversion to an invalid enum value",
        0x22 => "incorrectly encoded storage byte array",
        0x31 => "pop on an empty array",
        0x32 => "array index out of bounds",
        0x41 => "too much memory allocated",
        0x51 => "call to a zero-initialized internal function",
        _ => "unknown panic code",
    };

    private static bool TryDecode(AbiError error, byte[] data, out object?[] values)
    {
        try
        {
            values = error.Decode(data);
            return true;
        }
        catch (ChainFormatException)
        {
            values = [];
            return false;
        }
    }

    private static string FormatArguments(IReadOnlyList<object?> arguments)
    {
        var text = new StringBuilder();
        for (var i = 0; i < arguments.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(arguments[i] switch
            {
                byte[] bytes => Hex.Encode(bytes),
                string s => "\"" + s + "\"",
                bool b => b ? "true" : "false",
                null => "null",
                System.Collections.IList => "[...]",
                var other => Convert.ToString(other, CultureInfo.InvariantCulture),
            });
        }

        return text.ToString();
    }
}
