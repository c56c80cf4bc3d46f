using System.Numerics;
using Marketplace.Crypto.Bls;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Bls;

/// <summary>Field arithmetic against a BigInteger oracle (seeded; the seed is printed).</summary>
public abstract class FieldSuite(ITestOutputHelper output)
{
    private static readonly BigInteger P = Fp.Modulus;

    [Fact]
    public void FpOperationsMatchBigInteger()
    {
        var rng = Seeded(1001);
        for (int i = 0; i < 2000; i++)
        {
            BigInteger a = RandomBelow(rng, P), b = RandomBelow(rng, P);
            if (i == 0)
            {
                a = 0;
            }
            else if (i == 1)
            {
                b = P - 1;
            }

            Fp fa = Fp.FromBigInteger(a), fb = Fp.FromBigInteger(b);
            Assert.Equal((a * b) % P, (fa * fb).ToBigInteger());
            Assert.Equal((a * a) % P, Fp.Square(fa).ToBigInteger());
            Assert.Equal((a + b) % P, (fa + fb).ToBigInteger());
            Assert.Equal(((a - b) % P + P) % P, (fa - fb).ToBigInteger());
            Assert.Equal((P - a) % P, (-fa).ToBigInteger());
            Assert.Equal(a == 0 ? 0 : BigInteger.ModPow(a, P - 2, P), Fp.Inverse(fa).ToBigInteger());
            Assert.Equal(a == 0 ? 0 : BigInteger.ModPow(a, P - 2, P), Fp.InversePublic(fa).ToBigInteger());
        }
    }

    [Fact]
    public void FpInversePublicMatchesFermatOnEdgesAndRandomValues()
    {
        // InversePublic takes raw limbs x = aR mod p and must return the raw limbs of a^-1 R mod p, fully reduced.
        // Edges are taken both as values a and as raw limbs x (what the divsteps see): extreme lengths, signs and
        // limb folding; then seeded random values, and inverting twice gives the value back.
        var rng = Seeded(1009);
        BigInteger r = BigInteger.One << 384;
        BigInteger rInverse = BigInteger.ModPow(r, P - 2, P);
        var edges = new List<BigInteger> { 0, 1, 2, 3, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, r % P, rInverse, ulong.MaxValue };
        for (int k = 1; k < 381; k++)
        {
            edges.Add(BigInteger.One << k); // a single one bit
            edges.Add((BigInteger.One << k) - 1); // k one bits
            edges.Add((BigInteger.One << k) + 1); // ones at both ends, zeros between
            edges.Add(P - (BigInteger.One << k) % P);
            edges.Add(((BigInteger.One << 381) - 1 - (BigInteger.One << k)) % P); // all ones but one
        }

        var values = new List<BigInteger>();
        foreach (var v in edges)
        {
            values.Add(v % P); // v as the value a
            values.Add(v % P * rInverse % P); // v as the raw limbs x: a = x / R
        }

        for (int i = 0; i < 20000; i++)
        {
            values.Add(RandomBelow(rng, P));
        }

        // The expected a^(p-2) of every value from one BigInteger.ModPow (Montgomery's batch trick: ModPow costs
        // about a millisecond per call here); direct ModPow calls confirm a sample.
        var expected = new BigInteger[values.Count];
        var prefix = new BigInteger[values.Count];
        BigInteger product = 1;
        for (int i = 0; i < values.Count; i++)
        {
            product = values[i] == 0 ? product : product * values[i] % P;
            prefix[i] = product;
        }

        BigInteger inverse = BigInteger.ModPow(product, P - 2, P);
        for (int i = values.Count - 1; i >= 0; i--)
        {
            if (values[i] != 0)
            {
                expected[i] = inverse * (i == 0 ? 1 : prefix[i - 1]) % P;
                inverse = inverse * values[i] % P;
            }
        }

        for (int i = 0; i < values.Count; i++)
        {
            BigInteger a = values[i];
            if (i < 2 * 11 || i % 500 == 0)
            {
                Assert.Equal(BigInteger.ModPow(a, P - 2, P), expected[i]);
            }

            Fp fa = Fp.FromBigInteger(a);
            Fp result = Fp.InversePublic(fa);
            Assert.True(RawValue(result) < P, $"not fully reduced for a = {a:x}");
            Assert.Equal(expected[i] * r % P, RawValue(result));
            Assert.True(Fp.Equal(fa, Fp.InversePublic(result)), $"double inverse for a = {a:x}");
        }

        output.WriteLine($"{values.Count} values inverted");

        static BigInteger RawValue(in Fp v)
        {
            BigInteger result = 0;
            foreach (ulong limb in new[] { v.L5, v.L4, v.L3, v.L2, v.L1, v.L0 })
            {
                result = (result << 64) | limb;
            }

            return result;
        }
    }

    [Fact]
    public void FpSquareRootsAndSquareDetection()
    {
        var rng = Seeded(1002);
        int squares = 0;
        for (int i = 0; i < 300; i++)
        {
            BigInteger a = RandomBelow(rng, P);
            bool isSquare = BigInteger.ModPow(a, (P - 1) / 2, P) <= 1;
            bool found = Fp.TrySqrt(Fp.FromBigInteger(a), out var root);
            Assert.Equal(isSquare, found);
            if (found)
            {
                squares++;
                Assert.Equal(a, BigInteger.ModPow(root.ToBigInteger(), 2, P));
            }
        }

        Assert.InRange(squares, 100, 200);
    }

    [Fact]
    public void FpEncodingRejectsNonCanonicalValues()
    {
        var buffer = new byte[48];
        foreach (var value in new[] { P, P + 1, (BigInteger.One << 384) - 1 })
        {
            value.TryWriteBytes(buffer, out _, isUnsigned: true, isBigEndian: true);
            Assert.False(Fp.TryReadBigEndian(buffer, out _));
        }

        (P - 1).TryWriteBytes(buffer, out _, isUnsigned: true, isBigEndian: true);
        Assert.True(Fp.TryReadBigEndian(buffer, out var top));
        Assert.Equal(P - 1, top.ToBigInteger());
        var written = new byte[48];
        top.WriteBigEndian(written);
        Assert.Equal(buffer, written);
    }

    [Fact]
    public void FpPowMatchesBigIntegerForEdgeAndRandomExponents()
    {
        var rng = Seeded(1006);
        BigInteger[] edges = [0, 1, 2, 3, 31, 32, 33, 63, ulong.MaxValue, BigInteger.One << 64, P - 2, (P + 1) / 4, (BigInteger.One << 384) - 1];
        for (int i = 0; i < 200; i++)
        {
            BigInteger a = i % 7 == 0 ? 0 : RandomBelow(rng, P);
            BigInteger e = i < edges.Length ? edges[i] : RandomBelow(rng, BigInteger.One << rng.Next(1, 384));
            Assert.Equal(BigInteger.ModPow(a, e, P), Fp.Pow(Fp.FromBigInteger(a), new FpExponent(e)).ToBigInteger());
        }
    }

    [Fact]
    public void MontgomeryProductsAcceptOperandsBelowTwoP()
    {
        // Raw limbs x, y in [0, 2p) (what Fp.AddUnreduced produces): Mul and Square must return x y / R mod p, fully reduced.
        var rng = Seeded(1005);
        BigInteger r = BigInteger.One << 384;
        BigInteger rInverse = BigInteger.ModPow(r, P - 2, P);
        BigInteger[] edges = [0, 1, P - 1, P, P + 1, 2 * P - 2, 2 * P - 1];
        for (int i = 0; i < 2000; i++)
        {
            BigInteger x = i < edges.Length * edges.Length ? edges[i % edges.Length] : RandomBelow(rng, 2 * P);
            BigInteger y = i < edges.Length * edges.Length ? edges[i / edges.Length] : RandomBelow(rng, 2 * P);
            Fp fx = Raw(x), fy = Raw(y);
            Assert.Equal(x * y * rInverse % P, FromRaw(Fp.Mul(fx, fy)));
            Assert.Equal(x * x * rInverse % P, FromRaw(Fp.Square(fx)));
        }

        // AddUnreduced itself: the plain sum of two reduced values.
        for (int i = 0; i < 500; i++)
        {
            BigInteger a = i == 0 ? P - 1 : RandomBelow(rng, P), b = i == 0 ? P - 1 : RandomBelow(rng, P);
            Assert.Equal(a + b, FromRaw(Fp.AddUnreduced(Raw(a), Raw(b))));
        }

        static Fp Raw(BigInteger v)
        {
            ulong[] l = Fp.Limbs(v);
            return new Fp(l[0], l[1], l[2], l[3], l[4], l[5]);
        }

        static BigInteger FromRaw(in Fp v)
        {
            BigInteger result = 0;
            foreach (ulong limb in new[] { v.L5, v.L4, v.L3, v.L2, v.L1, v.L0 })
            {
                result = (result << 64) | limb;
            }

            return result;
        }
    }

    [Fact]
    public void WideProductsAndReductionMatchBigInteger()
    {
        // Lazy reduction: MulWide is the exact product, Redc(t) = t / R mod p (fully reduced) for every t below
        // p * 2^384, SubWideModP stays below p * 2^384; the edges are the bounds the Fp2 code relies on.
        var rng = Seeded(1007);
        BigInteger r = BigInteger.One << 384;
        BigInteger pr = P * r;
        BigInteger rInverse = BigInteger.ModPow(r, P - 2, P);
        BigInteger[] edges = [0, 1, P - 1, P, 2 * P - 1, r - 1];
        for (int i = 0; i < 2000; i++)
        {
            BigInteger x = i < edges.Length * edges.Length ? edges[i % edges.Length] : RandomBelow(rng, r);
            BigInteger y = i < edges.Length * edges.Length ? edges[i / edges.Length] : RandomBelow(rng, r);
            Assert.Equal(x * y, FromWide(Fp.MulWide(Raw(x), Raw(y))));
        }

        BigInteger[] wideEdges = [0, 1, P - 1, P * P - 1, 2 * P * P, pr - 1, pr - P, r - 1, r];
        for (int i = 0; i < 2000; i++)
        {
            BigInteger t = i < wideEdges.Length ? wideEdges[i] : RandomBelow(rng, pr);
            BigInteger u = i < wideEdges.Length * wideEdges.Length ? wideEdges[i / wideEdges.Length] : RandomBelow(rng, pr);
            Assert.Equal(t * rInverse % P, FromRaw(Fp.Redc(Wide(t)))); // raw limbs: fully reduced, below p
            BigInteger difference = FromWide(Fp.SubWideModP(Wide(t), Wide(u)));
            Assert.Equal(((t - u) % pr + pr) % pr, difference);
            if (t >= u)
            {
                Assert.Equal(t - u, FromWide(Fp.SubWide(Wide(t), Wide(u))));
            }
        }

        // Fp2 products at the edges of the reduced range.
        BigInteger[] fpEdges = [0, 1, P - 1, P - 2, (P + 1) / 2];
        foreach (var a0 in fpEdges)
        {
            foreach (var a1 in fpEdges)
            {
                foreach (var b0 in fpEdges)
                {
                    var a = new Fp2(Fp.FromBigInteger(a0), Fp.FromBigInteger(a1));
                    var b = new Fp2(Fp.FromBigInteger(b0), Fp.FromBigInteger(P - 1));
                    var product = a * b;
                    Assert.Equal(Mod(a0 * b0 - a1 * (P - 1)), product.C0.ToBigInteger());
                    Assert.Equal(Mod(a0 * (P - 1) + a1 * b0), product.C1.ToBigInteger());
                }
            }
        }

        static Fp Raw(BigInteger v)
        {
            ulong[] l = Fp.Limbs(v);
            return new Fp(l[0], l[1], l[2], l[3], l[4], l[5]);
        }

        static FpWide Wide(BigInteger v)
        {
            ulong[] lo = Fp.Limbs(v & ((BigInteger.One << 384) - 1));
            ulong[] hi = Fp.Limbs(v >> 384);
            return new FpWide(lo[0], lo[1], lo[2], lo[3], lo[4], lo[5], hi[0], hi[1], hi[2], hi[3], hi[4], hi[5]);
        }

        static BigInteger FromRaw(in Fp v) => FromWide(new FpWide(v.L0, v.L1, v.L2, v.L3, v.L4, v.L5, 0, 0, 0, 0, 0, 0));

        static BigInteger FromWide(in FpWide w)
        {
            BigInteger result = 0;
            foreach (ulong limb in new[] { w.W11, w.W10, w.W9, w.W8, w.W7, w.W6, w.W5, w.W4, w.W3, w.W2, w.W1, w.W0 })
            {
                result = (result << 64) | limb;
            }

            return result;
        }
    }

    [Fact]
    public void Fp2MatchesSchoolbookAndHasSquareRoots()
    {
        var rng = Seeded(1003);
        for (int i = 0; i < 300; i++)
        {
            BigInteger a0 = RandomBelow(rng, P), a1 = RandomBelow(rng, P), b0 = RandomBelow(rng, P), b1 = RandomBelow(rng, P);
            var a = new Fp2(Fp.FromBigInteger(a0), Fp.FromBigInteger(a1));
            var b = new Fp2(Fp.FromBigInteger(b0), Fp.FromBigInteger(b1));
            var product = a * b;
            Assert.Equal(Mod(a0 * b0 - a1 * b1), product.C0.ToBigInteger());
            Assert.Equal(Mod(a0 * b1 + a1 * b0), product.C1.ToBigInteger());
            Assert.True(Fp2.Equal(Fp2.Square(a), a * a));
            Assert.True(Fp2.Equal(Fp2.One, a * Fp2.Inverse(a)));
            var square = Fp2.Square(a);
            Assert.True(Fp2.TrySqrt(square, out var root));
            Assert.True(Fp2.Equal(square, Fp2.Square(root)));
            Assert.True(Fp2.Equal(Fp2.One, a * Fp2.InversePublic(a)));

            // Elements of Fp inside Fp2 are all squares in Fp2; a square times the non-residue xi is not.
            var real = new Fp2(Fp.FromBigInteger(a0), Fp.Zero);
            Assert.True(Fp2.TrySqrt(real, out var realRoot));
            Assert.True(Fp2.Equal(real, Fp2.Square(realRoot)));
            Assert.False(Fp2.TrySqrt(Fp2.MulByXi(square), out _));
        }
    }

    [Fact]
    public void Fp12InverseFrobeniusAndSquaringAreConsistent()
    {
        var rng = Seeded(1004);
        for (int i = 0; i < 10; i++)
        {
            var a = RandomFp12(rng);
            var b = RandomFp12(rng);
            Assert.True((a * Fp12.Inverse(a)).IsOne);
            Assert.True(Fp12.Equal(Fp12.Square(a), a * a));
            Assert.True(Fp12.Equal(Fp12.Mul(a, b), Fp12.Mul(b, a)));
            var lineA = RandomFp2(rng);
            var lineB = RandomFp2(rng);
            var lineC = RandomFp2(rng);
            var line = new Fp12(new Fp6(lineA, lineB, Fp2.Zero), new Fp6(Fp2.Zero, lineC, Fp2.Zero));
            Assert.True(Fp12.Equal(a * line, Fp12.MulByLine(a, lineA, lineB, lineC)));

            // Frobenius^k equals raising to p^k.
            var powered = a;
            for (int k = 1; k <= 3; k++)
            {
                powered = Pow(powered, P);
                Assert.True(Fp12.Equal(powered, Fp12.Frobenius(a, k)), $"Frobenius {k}");
            }
        }
    }

    [Fact]
    public void CyclotomicSquareMatchesSquareInTheCyclotomicSubgroup()
    {
        var rng = Seeded(1005);
        var a = RandomFp12(rng);
        var t = Fp12.Conjugate(a) * Fp12.Inverse(a);
        var m = Fp12.Frobenius(t, 2) * t; // in the cyclotomic subgroup
        Assert.True(Fp12.Equal(Fp12.Square(m), Fp12.CyclotomicSquare(m)));
    }

    [Fact]
    public void CompressedSquaringExponentiationMatchesPlainCyclotomicSquaring()
    {
        var rng = Seeded(1008);
        for (int i = 0; i < 3; i++)
        {
            var a = RandomFp12(rng);
            var t = Fp12.Conjugate(a) * Fp12.Inverse(a);
            var m = Fp12.Frobenius(t, 2) * t; // in the cyclotomic subgroup

            // Compressed squarings agree with Granger-Scott on the four kept coefficients.
            var plain = Fp12.CyclotomicSquare(m);
            var compressed = Fp12.CompressedSquare(m);
            Assert.True(Fp2.Equal(plain.C0.C1, compressed.C0.C1) && Fp2.Equal(plain.C0.C2, compressed.C0.C2));
            Assert.True(Fp2.Equal(plain.C1.C0, compressed.C1.C0) && Fp2.Equal(plain.C1.C2, compressed.C1.C2));

            // m^|x| through compression and batched decompression equals square-and-multiply, and m^|x| by BigInteger.
            Assert.True(Fp12.TryPowAbsXCompressed(m, out var fast));
            var slow = Pairing.PowAbsXPlain(m);
            Assert.True(Fp12.Equal(slow, fast));
            if (i == 0)
            {
                Assert.True(Fp12.Equal(Pow(m, G1.AbsX), fast));
            }
        }
    }

    internal static Fp12 Pow(Fp12 a, BigInteger e)
    {
        var r = Fp12.One;
        for (int bit = (int)e.GetBitLength() - 1; bit >= 0; bit--)
        {
            r = Fp12.Square(r);
            if (!(e >> bit).IsEven)
            {
                r *= a;
            }
        }

        return r;
    }

    private Random Seeded(int seed)
    {
        output.WriteLine($"seed {seed}");
        return new Random(seed);
    }

    private static BigInteger Mod(BigInteger v) => ((v % P) + P) % P;

    internal static BigInteger RandomBelow(Random rng, BigInteger bound)
    {
        var bytes = new byte[bound.GetByteCount() + 8];
        rng.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) % bound;
    }

    private static Fp2 RandomFp2(Random rng) => new(Fp.FromBigInteger(RandomBelow(rng, P)), Fp.FromBigInteger(RandomBelow(rng, P)));

    private static Fp12 RandomFp12(Random rng) => new(
        new Fp6(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng)),
        new Fp6(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng)));
}

/// <summary>The suite on the field code this machine uses (the generated kernels where available).</summary>
public sealed class FieldTests(ITestOutputHelper output) : FieldSuite(output);

/// <summary>The suite again on the managed field code (the fallback where the kernels are unavailable).</summary>
[Collection(FieldBackendCollection.Name)]
public sealed class FieldTestsOnManagedCode(ITestOutputHelper output) : FieldSuite(output), IDisposable
{
    private readonly ManagedScope _scope = new();

    public void Dispose() => _scope.Dispose();
}
