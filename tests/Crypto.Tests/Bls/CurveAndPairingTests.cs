using System.Numerics;
using Marketplace.Crypto.Bls;
using Xunit;
using Xunit.Abstractions;
using G1Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp>;
using G2Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp2>;

namespace Marketplace.Crypto.Tests.Bls;

/// <summary>Group law, scalar multiplication, subgroup checks and pairing bilinearity (seeded; seeds printed).</summary>
public abstract class CurveAndPairingSuite(ITestOutputHelper output)
{
    private static readonly BigInteger R = Scalar.Order;

    [Fact]
    public void GeneratorsHaveOrderR()
    {
        Assert.True(G1.Generator.IsOnCurve());
        Assert.True(G2.Generator.IsOnCurve());
        Assert.True(G1Point.MulPublic(G1.Generator, Limbs(R)).IsIdentity);
        Assert.True(G2Point.MulPublic(G2.Generator, Limbs(R)).IsIdentity);
        Assert.False(G1Point.MulPublic(G1.Generator, Limbs(R - 1)).IsIdentity);
    }

    [Fact]
    public void CompleteAdditionHandlesEveryCase()
    {
        var p = G2Point.MulPublic(G2.Generator, 12345);
        var o = G2Point.Identity;
        Assert.True(G2Point.Equal(G2Point.Add(p, p), G2Point.Double(p)));
        Assert.True(G2Point.Add(p, G2Point.Negate(p)).IsIdentity);
        Assert.True(G2Point.Equal(G2Point.Add(p, o), p));
        Assert.True(G2Point.Equal(G2Point.Add(o, p), p));
        Assert.True(G2Point.Double(o).IsIdentity);
        var q = G1Point.MulPublic(G1.Generator, 777);
        Assert.True(G1Point.Equal(G1Point.Add(q, q), G1Point.Double(q)));
        Assert.True(G1Point.Add(q, G1Point.Negate(q)).IsIdentity);
        Assert.True(G1Point.Add(p: G1Point.Add(q, q), q).IsOnCurve());
    }

    [Fact]
    public void MillerLoopDoublingStepMatchesGenericDoubling()
    {
        var t = G2Point.MulPublic(G2.Generator, 987654321);
        var expected = G2Point.Double(t);
        Pairing.DoublingStep(ref t, out _, out _, out _);
        Assert.True(G2Point.Equal(expected, t));
    }

    [Fact]
    public void JacobianMultiplicationMatchesProjective()
    {
        var rng = Seeded(2005);
        var bytes = new byte[96];
        for (int i = 0; i < 4; i++)
        {
            ulong k = (ulong)rng.NextInt64() | 1;
            Assert.True(G1Point.Equal(G1Point.MulPublic(G1.Generator, k), JacobianPoint<Fp>.MulPublic(G1.Generator, k)));
            Assert.True(G2Point.Equal(G2Point.MulPublic(G2.Generator, k), JacobianPoint<Fp2>.MulPublic(G2.Generator, k)));
        }

        // Small-order points exercise the P + P and P + (-P) branches of the incomplete addition.
        var order3 = G1Point.FromAffine(Fp.Zero, Fp.FromBigInteger(2)); // (0, 2) has order 3 on y^2 = x^3 + 4
        for (ulong k = 1; k <= 7; k++)
        {
            Assert.True(G1Point.Equal(G1Point.MulPublic(order3, k), JacobianPoint<Fp>.MulPublic(order3, k)), $"k = {k}");
        }
    }

    [Fact]
    public void MapToCurveLandsOnTheCurveForBothSquareCases()
    {
        var rng = Seeded(2006);
        for (int i = 0; i < 40; i++)
        {
            var u = new Fp2(Fp.FromBigInteger(FieldTests.RandomBelow(rng, Fp.Modulus)), Fp.FromBigInteger(FieldTests.RandomBelow(rng, Fp.Modulus)));
            var q = HashToG2.MapToCurve(u);
            Assert.True(q.IsOnCurve());
            Assert.True(G2.IsInSubgroup(HashToG2.ClearCofactor(q)));
        }

        Assert.True(HashToG2.MapToCurve(Fp2.Zero).IsOnCurve()); // exceptional case of the SWU map
    }

    [Fact]
    public void BaseAbsXDigitsRecomposeTheScalar()
    {
        var rng = Seeded(2007);
        for (int i = 0; i < 50; i++)
        {
            BigInteger k = i == 0 ? R - 1 : FieldTests.RandomBelow(rng, R);
            var digits = new ulong[4];
            G2ScalarMultiplication.Decompose(Limbs(k), digits);
            BigInteger absX = G1.AbsX, sum = 0, power = 1;
            foreach (var d in digits)
            {
                Assert.True(d < G1.AbsX);
                sum += d * power;
                power *= absX;
            }

            Assert.Equal(k, sum);
        }
    }

    [Fact]
    public void SecretScalarMultiplicationMatchesPublic()
    {
        var rng = Seeded(2001);
        for (int i = 0; i < 7; i++)
        {
            var k = Limbs(i switch { 5 => BigInteger.One, 6 => R - 1, _ => FieldTests.RandomBelow(rng, R) });
            Assert.True(G1Point.Equal(G1Point.MulSecret(G1.Generator, k), G1Point.MulPublic(G1.Generator, k)));
            Assert.True(G1Point.Equal(G1ScalarMultiplication.MulSecret(G1.Generator, k), G1Point.MulPublic(G1.Generator, k)));
            Assert.True(G2Point.Equal(G2Point.MulSecret(G2.Generator, k), G2Point.MulPublic(G2.Generator, k)));
            Assert.True(G2Point.Equal(G2ScalarMultiplication.MulSecret(G2.Generator, k), G2Point.MulPublic(G2.Generator, k)));
        }
    }

    [Fact]
    public void SubgroupChecksAgreeWithMultiplicationByR()
    {
        var rng = Seeded(2002);
        int outside1 = 0, outside2 = 0;
        var bytes = new byte[96];
        for (int found = 0; found < 6;)
        {
            rng.NextBytes(bytes);
            bytes[0] = (byte)(0x80 | (bytes[0] & 0x0f));
            if (G1.TryDecompress(bytes.AsSpan(0, 48), out var p1) is null)
            {
                bool byR = G1Point.MulPublic(p1, Limbs(R)).IsIdentity;
                Assert.Equal(byR, G1.IsInSubgroup(p1));
                outside1 += byR ? 0 : 1;
                var cleared = G1Point.MulPublic(p1, Limbs(BigInteger.Parse("0396c8c005555e1568c00aaab0000aaab", System.Globalization.NumberStyles.HexNumber)));
                Assert.True(G1.IsInSubgroup(cleared));
            }

            if (G2.TryDecompress(bytes, out var p2) is null)
            {
                bool byR = G2Point.MulPublic(p2, Limbs(R)).IsIdentity;
                Assert.Equal(byR, G2.IsInSubgroup(p2));
                outside2 += byR ? 0 : 1;
                Assert.True(G2.IsInSubgroup(HashToG2.ClearCofactor(p2)));
                found++;
            }
        }

        Assert.True(outside1 > 0 && outside2 > 0, "random curve points should lie outside the subgroups");
    }

    [Fact]
    public void PairingIsBilinearAndNonDegenerate()
    {
        var rng = Seeded(2003);
        BigInteger a = FieldTests.RandomBelow(rng, R), b = FieldTests.RandomBelow(rng, R);
        var e = Pair(G1.Generator, G2.Generator);
        Assert.False(e.IsOne);
        Assert.True(FieldTests.Pow(e, R).IsOne);
        var eab = Pair(G1Point.MulPublic(G1.Generator, Limbs(a)), G2Point.MulPublic(G2.Generator, Limbs(b)));
        Assert.True(Fp12.Equal(eab, FieldTests.Pow(e, a * b % R)));
        var eab2 = Pair(G1Point.MulPublic(G1.Generator, Limbs(a * b % R)), G2.Generator);
        Assert.True(Fp12.Equal(eab, eab2));
    }

    [Fact]
    public void ClearCofactorMatchesMultiplicationByHEff()
    {
        var hEff = BigInteger.Parse(
            "0bc69f08f2ee75b3584c6a0ea91b352888e2a8e9145ad7689986ff031508ffe1329c2f178731db956d82bf015d1212b02ec0ec69d7477c1ae954cbc06689f6a359894c0adebbf6b4e8020005aaa95551",
            System.Globalization.NumberStyles.HexNumber);
        var bytes = new byte[96];
        var rng = Seeded(2004);
        G2Point p;
        do
        {
            rng.NextBytes(bytes);
            bytes[0] = (byte)(0x80 | (bytes[0] & 0x0f));
        }
        while (G2.TryDecompress(bytes, out p) is not null);

        Assert.True(G2Point.Equal(HashToG2.ClearCofactor(p), G2Point.MulPublic(p, LimbsWide(hEff))));
    }

    private static Fp12 Pair(G1Point p, G2Point q)
    {
        p.ToAffine(out var px, out var py);
        q.ToAffine(out var qx, out var qy);
        return Pairing.Pair(new PairingInput(px, py, qx, qy));
    }

    private Random Seeded(int seed)
    {
        output.WriteLine($"seed {seed}");
        return new Random(seed);
    }

    private static ulong[] Limbs(BigInteger v)
    {
        var l = new ulong[4];
        for (int i = 0; i < 4; i++)
        {
            l[i] = (ulong)(v & ulong.MaxValue);
            v >>= 64;
        }

        return l;
    }

    private static ulong[] LimbsWide(BigInteger v)
    {
        var l = new List<ulong>();
        while (v > 0)
        {
            l.Add((ulong)(v & ulong.MaxValue));
            v >>= 64;
        }

        return [.. l];
    }
}

/// <summary>The suite on the field code this machine uses (the generated kernels where available).</summary>
public sealed class CurveAndPairingTests(ITestOutputHelper output) : CurveAndPairingSuite(output);

/// <summary>The suite again on the managed field code (the fallback where the kernels are unavailable).</summary>
[Collection(FieldBackendCollection.Name)]
public sealed class CurveAndPairingTestsOnManagedCode(ITestOutputHelper output) : CurveAndPairingSuite(output), IDisposable
{
    private readonly ManagedScope _scope = new();

    public void Dispose() => _scope.Dispose();
}
