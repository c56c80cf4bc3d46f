using System.Globalization;
using System.Numerics;

namespace Marketplace.Chain;

/// <summary>Conversions between wei (the unit every amount in this library is in) and gwei or ether.</summary>
public static class Wei
{
    /// <summary>Wei in one gwei (10^9).</summary>
    public static readonly BigInteger PerGwei = BigInteger.Pow(10, 9);

    /// <summary>Wei in one ether (10^18).</summary>
    public static readonly BigInteger PerEther = BigInteger.Pow(10, 18);

    /// <summary>Whole gwei to wei.</summary>
    public static BigInteger FromGwei(long gwei) => gwei * PerGwei;

    /// <summary>Ether to wei; at most 18 decimal places, else an exception (no silent rounding).</summary>
    public static BigInteger FromEther(decimal ether)
    {
        var scaled = ether * 1_000_000_000_000_000_000m;
        if (scaled != decimal.Truncate(scaled))
        {
            throw new ArgumentException($"{ether} ether has more than 18 decimal places.", nameof(ether));
        }

        return BigInteger.Parse(decimal.Truncate(scaled).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Formats wei as an exact decimal ether string (e.g. <c>1.5</c>, <c>0.000000000000000001</c>).</summary>
    public static string ToEtherString(BigInteger wei)
    {
        var negative = wei.Sign < 0;
        var whole = BigInteger.DivRem(BigInteger.Abs(wei), PerEther, out var fraction);
        var text = whole.ToString(CultureInfo.InvariantCulture);
        if (!fraction.IsZero)
        {
            text += "." + fraction.ToString(CultureInfo.InvariantCulture).PadLeft(18, '0').TrimEnd('0');
        }

        return negative ? "-" + text : text;
    }
}
