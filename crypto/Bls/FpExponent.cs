// Design note: a public exponent prepared for both exponentiation paths: its limbs for the managed square-and-
// multiply, and a sliding-window schedule for the pow kernel. The schedule is a list of (squarings, table offset)
// pairs: square the accumulator that many times, then multiply it by the odd power a^(2j+1) stored at that byte
// offset of the kernel's table (NoMultiply for trailing squarings). It depends only on the exponent, so the kernel's
// sequence of operations and memory accesses is the same for every base.
using System.Numerics;

namespace Marketplace.Crypto.Bls;

/// <summary>A fixed public exponent of <see cref="Fp"/> with its precomputed window schedule.</summary>
internal sealed class FpExponent
{
    /// <summary>Table offset meaning "no multiplication after these squarings".</summary>
    internal const ulong NoMultiply = ulong.MaxValue;

    /// <summary>Bytes per table entry (one Fp) in the pow kernel's frame.</summary>
    private const int EntryBytes = 48;

    internal FpExponent(BigInteger value)
    {
        Limbs = Fp.Limbs(value);
        Schedule = BuildSchedule(Limbs);
    }

    /// <summary>The exponent as six little-endian limbs.</summary>
    internal ulong[] Limbs { get; }

    /// <summary>(squarings, table offset) pairs, flattened.</summary>
    internal ulong[] Schedule { get; }

    /// <summary>Number of (squarings, offset) pairs.</summary>
    internal int Steps => Schedule.Length / 2;

    /// <summary>The windows of <see cref="Fp.PowManaged"/>: up to 5 bits, ending in a set bit, odd powers a..a^31.</summary>
    private static ulong[] BuildSchedule(ulong[] e)
    {
        var steps = new List<ulong>();
        int bit = e.Length * 64 - 1;
        while (bit >= 0 && Bit(e, bit) == 0)
        {
            bit--;
        }

        ulong pending = 0;
        bool started = false;
        while (bit >= 0)
        {
            if (Bit(e, bit) == 0)
            {
                pending++;
                bit--;
                continue;
            }

            int low = Math.Max(bit - 4, 0);
            while (Bit(e, low) == 0)
            {
                low++;
            }

            int w = 0;
            for (int j = bit; j >= low; j--)
            {
                w = (w << 1) | Bit(e, j);
            }

            if (started)
            {
                pending += (ulong)(bit - low + 1);
            }

            steps.Add(pending);
            steps.Add((ulong)((w >> 1) * EntryBytes));
            pending = 0;
            started = true;
            bit = low - 1;
        }

        if (pending > 0)
        {
            steps.Add(pending);
            steps.Add(NoMultiply);
        }

        return [.. steps];
    }

    private static int Bit(ulong[] e, int bit) => (int)((e[bit >> 6] >> (bit & 63)) & 1);
}
