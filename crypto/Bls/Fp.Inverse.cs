// Design note: variable-time inversion for public values (verification, hashing, decompression) by Bernstein-Yang
// "safegcd" divsteps (eprint 2019/266) in the half-delta form, 62 at a time; secret values use the constant-time
// Fermat Inverse. State: t (delta = t + 1/2), f odd, g; start t = 0, f = p, g = x. One divstep: if t >= 0 and g
// is odd, (t, f, g) -> (-t, g, (g - f)/2); else if g is odd, (t + 1, f, (g + f)/2); else (t + 1, f, g/2). It keeps
// gcd(f, g) and f odd, and never grows max(|f|, |g|). g reaches 0 within a bounded number of steps (the paper's
// theorem; Wuille's bounds analysis of this half-delta start, used by libsecp256k1, gives 590 steps for 256-bit
// inputs, about 2.3 per bit, so about 880 = 15 batches here; every input tried needed 12 or 13). Then
// f = +-gcd(p, x) = +-1. The loop simply runs batches until g = 0.
// Batch: the first 62 steps depend only on the low 64 bits of f and g, so they run on two ulongs and yield the
// matrix M = [u v; q r] with M (f, g) = 2^62 (f', g') exactly, |u| + |v| <= 2^62 and |q| + |r| <= 2^62; a run of
// k <= -t steps with g odd and t < 0 cannot swap, so it is done at once: add w f to g (w = -g/f mod 2^k), halve k
// times. Then (f, g) = M (f, g) / 2^62 on the full values. Alongside, d and e in [0, p) keep f = d x / R^2 and
// g = e x / R^2 (mod p) from d = 0, e = R^2 mod p: the same matrix, the division by 2^62 done mod p Montgomery-style.
// At the end +-1 = d x / R^2, so for the Montgomery input x = aR, +-d = a^-1 R (mod p): the Montgomery form of 1/a.
// Numbers are seven signed 62-bit limbs (limbs below the top in [0, 2^62), the top limb signed); f and g drop a
// limb whenever both top limbs are 0 or -1.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Marketplace.Crypto.Bls;

/// <summary>Variable-time inversion of <see cref="Fp"/> for public data.</summary>
internal readonly partial struct Fp
{
    private const long Mask62 = (1L << 62) - 1;

    /// <summary>p as signed 62-bit limbs.</summary>
    private const long Q0 = (long)(P0 & Mask62), Q1 = (long)(((P0 >> 62) | (P1 << 2)) & Mask62),
        Q2 = (long)(((P1 >> 60) | (P2 << 4)) & Mask62), Q3 = (long)(((P2 >> 58) | (P3 << 6)) & Mask62),
        Q4 = (long)(((P3 >> 56) | (P4 << 8)) & Mask62), Q5 = (long)(((P4 >> 54) | (P5 << 10)) & Mask62),
        Q6 = (long)(P5 >> 52);

    /// <summary>1/a for a public a (safegcd divsteps, variable time); 0 maps to 0.</summary>
    internal static unsafe Fp InversePublic(in Fp a)
    {
        if (a.IsZero)
        {
            return Zero;
        }

        long* s = stackalloc long[49]; // f, g, d, e, the next f and d, p
        long* f = s, g = s + 7, d = s + 14, e = s + 21, fNext = s + 28, dNext = s + 35, p = s + 42;
        p[0] = Q0; p[1] = Q1; p[2] = Q2; p[3] = Q3; p[4] = Q4; p[5] = Q5; p[6] = Q6;
        for (int i = 0; i < 7; i++)
        {
            f[i] = p[i];
            d[i] = 0;
        }

        ToSigned62(a, g);
        ToSigned62(R2, e);
        int t = 0, n = 7;
        while (true)
        {
            ulong fLow = (ulong)f[0] | (n > 1 ? (ulong)f[1] << 62 : 0);
            ulong gLow = (ulong)g[0] | (n > 1 ? (ulong)g[1] << 62 : 0);
            t = Divsteps62(t, fLow, gLow, out long u, out long v, out long q, out long r);
            ApplyRow(fNext, f, g, n, u, v); // the f and d rows go to fresh buffers, the g and e rows in place
            ApplyRow(g, f, g, n, q, r);
            ApplyRowModP(dNext, d, e, p, u, v);
            ApplyRowModP(e, d, e, p, q, r);
            long* swap = f;
            f = fNext;
            fNext = swap;
            swap = d;
            d = dNext;
            dNext = swap;
            long any = 0;
            for (int i = 0; i < n; i++)
            {
                any |= g[i];
            }

            if (any == 0)
            {
                break;
            }

            long fTop = f[n - 1], gTop = g[n - 1];
            if (n > 1 && ((fTop ^ (fTop >> 63)) | (gTop ^ (gTop >> 63))) == 0)
            {
                // Both top limbs are 0 or -1: fold them into the limb below, which becomes the signed top limb.
                f[n - 2] += fTop << 62;
                g[n - 2] += gTop << 62;
                n--;
            }
        }

        if (f[n - 1] < 0)
        {
            // f = -1: 1/x = -d, and d is not 0 (x is invertible), so p - d is in (0, p).
            long c = 0;
            for (int i = 0; i < 6; i++)
            {
                long diff = p[i] - d[i] + c;
                d[i] = diff & Mask62;
                c = diff >> 62;
            }

            d[6] = p[6] - d[6] + c;
        }

        return new Fp(
            (ulong)d[0] | ((ulong)d[1] << 62), ((ulong)d[1] >> 2) | ((ulong)d[2] << 60),
            ((ulong)d[2] >> 4) | ((ulong)d[3] << 58), ((ulong)d[3] >> 6) | ((ulong)d[4] << 56),
            ((ulong)d[4] >> 8) | ((ulong)d[5] << 54), ((ulong)d[5] >> 10) | ((ulong)d[6] << 52));
    }

    /// <summary>Six 64-bit limbs (a value below 2^384) as seven signed 62-bit limbs.</summary>
    private static unsafe void ToSigned62(in Fp a, long* x)
    {
        x[0] = (long)(a.L0 & Mask62);
        x[1] = (long)(((a.L0 >> 62) | (a.L1 << 2)) & Mask62);
        x[2] = (long)(((a.L1 >> 60) | (a.L2 << 4)) & Mask62);
        x[3] = (long)(((a.L2 >> 58) | (a.L3 << 6)) & Mask62);
        x[4] = (long)(((a.L3 >> 56) | (a.L4 << 8)) & Mask62);
        x[5] = (long)(((a.L4 >> 54) | (a.L5 << 10)) & Mask62);
        x[6] = (long)(a.L5 >> 52);
    }

    /// <summary>
    /// 62 half-delta divsteps on the low 64 bits of f and g (after i steps their low 64 - i bits are exact, and no
    /// decision looks beyond bit 62 - i). Returns the new t and the matrix with M (f, g) = 2^62 (f', g').
    /// </summary>
    private static int Divsteps62(int t, ulong f, ulong g, out long u, out long v, out long q, out long r)
    {
        long fu = 1, fv = 0, gq = 0, gr = 1;
        int left = 62;
        while (true)
        {
            // Halve out the zero bits of g (never more than the steps left): the f row doubles instead.
            int z = BitOperations.TrailingZeroCount(g | (1UL << left));
            g >>= z;
            fu <<= z;
            fv <<= z;
            t += z;
            left -= z;
            if (left == 0)
            {
                break;
            }

            // g is odd. With t >= 0 the step swaps: (f, g) = (g, -f), and t = -t - 1 (the +1 comes with the halving).
            if (t >= 0)
            {
                (f, g) = (g, 0 - f);
                (fu, gq) = (gq, -fu);
                (fv, gr) = (gr, -fv);
                t = -t - 1;
            }

            // t < 0: the next k steps cannot swap; together they add w f to g (w < 2^k) and halve k times.
            // f (2 - f f) is 1/f mod 2^6 (Newton step from f = 1/f mod 2^3).
            int k = Math.Min(Math.Min(-t, left), 6);
            ulong w = ((0 - g) * f * (2 - (f * f))) & ((1UL << k) - 1);
            g += w * f;
            gq += (long)w * fu;
            gr += (long)w * fv;
        }

        u = fu;
        v = fv;
        q = gq;
        r = gr;
        return t;
    }

    /// <summary>
    /// dst = (a x + b y) / 2^62 on n limbs, an exact division: |a| + |b| &lt;= 2^62 and the quotient (f or g) is
    /// at most p in absolute value, so it fits the signed top limb. dst may be y (limb i is read before i - 1 is written).
    /// </summary>
    private static unsafe void ApplyRow(long* dst, long* x, long* y, int n, long a, long b)
    {
        ulong lo = 0, hi = 0;
        for (int i = 0; i < n; i++)
        {
            long xi = x[i], yi = y[i];
            MulAddSigned(ref lo, ref hi, a, xi);
            MulAddSigned(ref lo, ref hi, b, yi);
            if (i > 0)
            {
                dst[i - 1] = (long)lo & Mask62;
            }

            lo = (lo >> 62) | (hi << 2);
            hi = (ulong)((long)hi >> 62);
        }

        dst[n - 1] = (long)lo;
    }

    /// <summary>
    /// dst = (a x + b y) / 2^62 mod p for x, y in [0, p), into [0, p): m in [0, 2^62) makes a x + b y + m p
    /// divisible by 2^62 (Inv = -1/p mod 2^64). |a x + b y| &lt; 2^62 p and m p &lt; 2^62 p, so the quotient is in
    /// (-p, 2p) and Normalize adds or subtracts p at most once. dst may be y.
    /// </summary>
    private static unsafe void ApplyRowModP(long* dst, long* x, long* y, long* p, long a, long b)
    {
        ulong m = ((ulong)((a * x[0]) + (b * y[0])) * Inv) & Mask62;
        ulong aSign = (ulong)(a >> 63), bSign = (ulong)(b >> 63), lo = 0, hi = 0;
        for (int i = 0; i < 7; i++)
        {
            ulong xi = (ulong)x[i], yi = (ulong)y[i];
            MulAdd(ref lo, ref hi, (ulong)a, xi);
            MulAdd(ref lo, ref hi, (ulong)b, yi);
            MulAdd(ref lo, ref hi, m, (ulong)p[i]);
            hi -= (aSign & xi) + (bSign & yi); // a, b signed; the limbs of x, y, p are all non-negative
            if (i > 0)
            {
                dst[i - 1] = (long)lo & Mask62;
            }

            lo = (lo >> 62) | (hi << 2);
            hi = (ulong)((long)hi >> 62);
        }

        dst[6] = (long)lo;
        Normalize(dst, p);
    }

    /// <summary>Brings x (low limbs in [0, 2^62), signed top limb) from (-p, 2p) into [0, p).</summary>
    private static unsafe void Normalize(long* x, long* p)
    {
        long sign = 1; // +1 adds p, -1 subtracts it
        if (x[6] >= 0)
        {
            int top = 6;
            while (top > 0 && x[top] == p[top])
            {
                top--;
            }

            if (x[top] < p[top])
            {
                return;
            }

            sign = -1;
        }

        long c = 0;
        for (int i = 0; i < 6; i++)
        {
            long sum = x[i] + (sign * p[i]) + c;
            x[i] = sum & Mask62;
            c = sum >> 62;
        }

        x[6] += (sign * p[6]) + c;
    }

    /// <summary>(hi, lo) += a b, unsigned 128-bit (the low word by a plain multiply, no memory round trip).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulAdd(ref ulong lo, ref ulong hi, ulong a, ulong b)
    {
        ulong low = a * b;
        lo += low;
        hi += MulHigh(a, b) + (lo < low ? 1UL : 0UL);
    }

    /// <summary>(hi, lo) += a b, signed: the unsigned product less 2^64 b when a &lt; 0 and 2^64 a when b &lt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulAddSigned(ref ulong lo, ref ulong hi, long a, long b)
    {
        MulAdd(ref lo, ref hi, (ulong)a, (ulong)b);
        hi -= ((ulong)(a >> 63) & (ulong)b) + ((ulong)(b >> 63) & (ulong)a);
    }
}
