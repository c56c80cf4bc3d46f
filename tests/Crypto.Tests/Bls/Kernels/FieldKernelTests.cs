using System.Globalization;
using System.Numerics;
using Marketplace.Crypto.Bls;
using Marketplace.Crypto.Bls.Kernels;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Bls.Kernels;

/// <summary>
/// The generated field kernels called directly, against a BigInteger model on the raw Montgomery limbs (Fp, Fp2)
/// and against the managed formulas (Fp6, Fp12), on seeded random values, edge values, unreduced operands and with
/// the result sharing memory with an operand. Seeds are printed.
/// </summary>
[Collection(FieldBackendCollection.Name)]
public sealed unsafe class FieldKernelTests(ITestOutputHelper output)
{
    private static readonly BigInteger P = Fp.Modulus;
    private static readonly BigInteger RInverse = BigInteger.ModPow(BigInteger.One << 384, P - 2, P);

    [Fact]
    public void KernelsLoadWhereTheProcessorAndSystemSupportThem()
    {
        output.WriteLine($"field code: {FieldKernels.Status}");
        bool supported = OperatingSystem.IsLinux() && CpuFeatures.HasMulxAndAdx();
        Assert.Equal(supported, FieldKernels.Available);
        if (!supported)
        {
            Assert.Throws<InvalidOperationException>(() => FieldKernels.Enabled = true);
        }
        else if (ExternalService.IsCi)
        {
            // CI must exercise the dispatch into the kernels, not only call them directly.
            Assert.True(FieldKernels.Enabled, $"{FieldKernels.SelectionVariable} switched the kernels off under CI");
        }
    }

    [KernelFact]
    public void KernelCodeIsMappedReadAndExecuteButNotWrite()
    {
        ulong start = (ulong)FieldKernels.CodeAddress;
        string? line = File.ReadLines("/proc/self/maps").FirstOrDefault(l =>
        {
            var range = l.Split(' ')[0].Split('-');
            ulong from = ulong.Parse(range[0], NumberStyles.HexNumber), to = ulong.Parse(range[1], NumberStyles.HexNumber);
            return from <= start && start < to;
        });
        Assert.NotNull(line);
        output.WriteLine(line);
        Assert.Equal("r-xp", line!.Split(' ')[1]);
    }

    [KernelFact]
    public void FpKernelsMatchBigInteger()
    {
        var rng = Seeded(4101);
        foreach (var (a, b) in FpPairs(rng, 3000))
        {
            Fp r;
            FieldKernels.FpMul(&r, &a, &b);
            AssertReduced(Raw(a) * Raw(b) * RInverse, r);
            FieldKernels.FpSquare(&r, &a);
            AssertReduced(Raw(a) * Raw(a) * RInverse, r);
            if (Raw(a) < P && Raw(b) < P)
            {
                FieldKernels.FpAdd(&r, &a, &b);
                AssertReduced(Raw(a) + Raw(b), r);
                FieldKernels.FpSub(&r, &a, &b);
                AssertReduced(Raw(a) - Raw(b), r);
            }
        }
    }

    [KernelFact]
    public void Fp2KernelsMatchBigInteger()
    {
        var rng = Seeded(4102);
        var reduced = FpPairs(rng, 4000).Where(x => Raw(x.A) < P && Raw(x.B) < P).ToList();
        for (int i = 0; i + 1 < reduced.Count; i += 2)
        {
            var a = new Fp2(reduced[i].A, reduced[i].B);
            var b = new Fp2(reduced[i + 1].A, reduced[i + 1].B);
            BigInteger a0 = Raw(a.C0), a1 = Raw(a.C1), b0 = Raw(b.C0), b1 = Raw(b.C1);
            Fp2 r;
            FieldKernels.Fp2Mul(&r, &a, &b);
            AssertReduced((a0 * b0 - a1 * b1) * RInverse, (a0 * b1 + a1 * b0) * RInverse, r);
            FieldKernels.Fp2Square(&r, &a);
            AssertReduced((a0 * a0 - a1 * a1) * RInverse, 2 * a0 * a1 * RInverse, r);
            FieldKernels.Fp2Add(&r, &a, &b);
            AssertReduced(a0 + b0, a1 + b1, r);
            FieldKernels.Fp2Sub(&r, &a, &b);
            AssertReduced(a0 - b0, a1 - b1, r);
            FieldKernels.Fp2Double(&r, &a);
            AssertReduced(2 * a0, 2 * a1, r);
            FieldKernels.Fp2MulByXi(&r, &a);
            AssertReduced(a0 - a1, a0 + a1, r);
            Fp s = b.C1;
            FieldKernels.Fp2MulByFp(&r, &a, &s);
            AssertReduced(a0 * b1 * RInverse, a1 * b1 * RInverse, r);
        }
    }

    [KernelFact]
    public void PowKernelFollowsItsScheduleForEveryExponent()
    {
        var rng = Seeded(4108);
        FpExponent[] fixedExponents = [Fp.PMinus2, Fp.PPlus1Over4, Fp.PMinus3Over4, Fp.PMinus1Over2];
        for (int i = 0; i < 200; i++)
        {
            var exponent = i < 40 ? fixedExponents[i % 4] : new FpExponent(1 + RandomBelow(rng, BigInteger.One << rng.Next(1, 384)));
            Fp a = FromRaw(RandomBelow(rng, i % 10 == 0 ? 2 * P : P));
            Fp r, inPlace = a;
            fixed (ulong* schedule = exponent.Schedule)
            {
                FieldKernels.FpPow(&r, &a, schedule, (ulong)exponent.Steps);
                FieldKernels.FpPow(&inPlace, &inPlace, schedule, (ulong)exponent.Steps);
            }

            BigInteger e = 0;
            for (int k = 5; k >= 0; k--)
            {
                e = (e << 64) + exponent.Limbs[k];
            }

            // Montgomery form: the kernel maps aR to a^e R.
            BigInteger value = Raw(a) * RInverse % P;
            AssertReduced(BigInteger.ModPow(value, e, P) * (BigInteger.One << 384), r);
            Assert.True(Fp.Equal(r, inPlace));
        }
    }

    [KernelFact]
    public void ResultsMayShareMemoryWithOperands()
    {
        var rng = Seeded(4103);
        for (int i = 0; i < 200; i++)
        {
            Fp2 a = RandomFp2(rng), b = RandomFp2(rng);
            Fp2 expected, x;
            FieldKernels.Fp2Mul(&expected, &a, &b);
            x = a;
            FieldKernels.Fp2Mul(&x, &x, &b);
            Assert.True(Fp2.Equal(expected, x));
            x = b;
            FieldKernels.Fp2Mul(&x, &a, &x);
            Assert.True(Fp2.Equal(expected, x));
            FieldKernels.Fp2Square(&expected, &a);
            x = a;
            FieldKernels.Fp2Square(&x, &x);
            Assert.True(Fp2.Equal(expected, x));
            FieldKernels.Fp2MulByXi(&expected, &a);
            x = a;
            FieldKernels.Fp2MulByXi(&x, &x);
            Assert.True(Fp2.Equal(expected, x));
            FieldKernels.Fp2Sub(&expected, &a, &b);
            x = b;
            FieldKernels.Fp2Sub(&x, &a, &x);
            Assert.True(Fp2.Equal(expected, x));
            FieldKernels.Fp2Add(&expected, &a, &b);
            x = a;
            FieldKernels.Fp2Add(&x, &x, &b);
            Assert.True(Fp2.Equal(expected, x));
            FieldKernels.Fp2Double(&expected, &a);
            x = a;
            FieldKernels.Fp2Double(&x, &x);
            Assert.True(Fp2.Equal(expected, x));
            Fp s = b.C0;
            FieldKernels.Fp2MulByFp(&expected, &a, &s);
            x = a;
            FieldKernels.Fp2MulByFp(&x, &x, &s);
            Assert.True(Fp2.Equal(expected, x));

            Fp fa = a.C0, fb = b.C1, fe, fx;
            FieldKernels.FpMul(&fe, &fa, &fb);
            fx = fb;
            FieldKernels.FpMul(&fx, &fa, &fx);
            Assert.True(Fp.Equal(fe, fx));
            FieldKernels.FpSquare(&fe, &fa);
            fx = fa;
            FieldKernels.FpSquare(&fx, &fx);
            Assert.True(Fp.Equal(fe, fx));
            FieldKernels.FpSub(&fe, &fa, &fb);
            fx = fb;
            FieldKernels.FpSub(&fx, &fa, &fx);
            Assert.True(Fp.Equal(fe, fx));
            FieldKernels.FpAdd(&fe, &fa, &fb);
            fx = fa;
            FieldKernels.FpAdd(&fx, &fx, &fb);
            Assert.True(Fp.Equal(fe, fx));

            Fp6 a6 = new(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng)), b6 = new(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng));
            Fp6 e6, x6;
            FieldKernels.Fp6Mul(&e6, &a6, &b6);
            x6 = b6;
            FieldKernels.Fp6Mul(&x6, &a6, &x6);
            Assert.True(Fp6.Equal(e6, x6));
            x6 = a6;
            FieldKernels.Fp6Mul(&x6, &x6, &b6);
            Assert.True(Fp6.Equal(e6, x6));

            Fp12 f = RandomFp12(rng), g = RandomFp12(rng), want, y;
            FieldKernels.Fp12Mul(&want, &f, &g);
            y = f;
            FieldKernels.Fp12Mul(&y, &y, &g);
            Assert.True(Fp12.Equal(want, y));
            y = g;
            FieldKernels.Fp12Mul(&y, &f, &y);
            Assert.True(Fp12.Equal(want, y));
            FieldKernels.Fp12Square(&want, &f);
            y = f;
            FieldKernels.Fp12Square(&y, &y);
            Assert.True(Fp12.Equal(want, y));
            FieldKernels.Fp12CyclotomicSquare(&want, &f);
            y = f;
            FieldKernels.Fp12CyclotomicSquare(&y, &y);
            Assert.True(Fp12.Equal(want, y));
            FieldKernels.Fp12CompressedSquare(&want, &f);
            y = f;
            FieldKernels.Fp12CompressedSquare(&y, &y);
            Assert.True(Fp12.Equal(want, y));
            Fp2 la = RandomFp2(rng), lb = RandomFp2(rng), lc = RandomFp2(rng);
            FieldKernels.Fp12MulByLine(&want, &f, &la, &lb, &lc);
            y = f;
            FieldKernels.Fp12MulByLine(&y, &y, &la, &lb, &lc);
            Assert.True(Fp12.Equal(want, y));
        }
    }

    [KernelFact]
    public void TowerKernelsMatchTheManagedFormulas()
    {
        var rng = Seeded(4104);
        bool previous = FieldKernels.Enabled;
        try
        {
            for (int i = 0; i < 100; i++)
            {
                Fp6 a6 = new(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng)), b6 = new(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng));
                Fp12 f = RandomFp12(rng), g = RandomFp12(rng);
                Fp2 la = RandomFp2(rng), lb = RandomFp2(rng), lc = RandomFp2(rng);
                Fp6 r6;
                Fp12 mul, sqr, cyc, compressed, line;
                FieldKernels.Fp6Mul(&r6, &a6, &b6);
                FieldKernels.Fp12Mul(&mul, &f, &g);
                FieldKernels.Fp12Square(&sqr, &f);
                FieldKernels.Fp12CyclotomicSquare(&cyc, &f);
                FieldKernels.Fp12CompressedSquare(&compressed, &f);
                FieldKernels.Fp12MulByLine(&line, &f, &la, &lb, &lc);

                FieldKernels.Enabled = false;
                Assert.True(Fp6.Equal(Fp6.Mul(a6, b6), r6));
                Assert.True(Fp12.Equal(Fp12.Mul(f, g), mul));
                Assert.True(Fp12.Equal(Fp12.Square(f), sqr));
                Assert.True(Fp12.Equal(Fp12.CyclotomicSquare(f), cyc));
                Assert.True(Fp12.Equal(Fp12.CompressedSquare(f), compressed));
                Assert.True(Fp12.Equal(Fp12.MulByLine(f, la, lb, lc), line));
                FieldKernels.Enabled = previous;
            }
        }
        finally
        {
            FieldKernels.Enabled = previous;
        }
    }

    [KernelFact]
    public void MillerDoublingStepKernelMatchesTheManagedStep()
    {
        var rng = Seeded(4105);
        bool previous = FieldKernels.Enabled;
        try
        {
            for (int i = 0; i < 200; i++)
            {
                var start = new ProjectivePoint<Fp2>(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng));
                Fp negPx = FromRaw(RandomBelow(rng, P)), py = FromRaw(RandomBelow(rng, P));
                var t = start;
                Fp6 line;
                FieldKernels.MillerDoublingStep(&t, &line, &negPx, &py);

                FieldKernels.Enabled = false;
                var expected = start;
                Pairing.DoublingStep(ref expected, out var a, out var b, out var c);
                Assert.True(ProjectivePoint<Fp2>.Equal(expected, t) && Fp2.Equal(expected.Z, t.Z) && Fp2.Equal(expected.X, t.X));
                Assert.True(Fp2.Equal(a, line.C0));
                Assert.True(Fp2.Equal(Fp2.MulByFp(b, negPx), line.C1));
                Assert.True(Fp2.Equal(Fp2.MulByFp(c, py), line.C2));
                FieldKernels.Enabled = previous;
            }
        }
        finally
        {
            FieldKernels.Enabled = previous;
        }
    }

    [KernelFact]
    public void G2JacobianDoubleKernelMatchesTheManagedFormula()
    {
        var rng = Seeded(4106);
        bool previous = FieldKernels.Enabled;
        try
        {
            for (int i = 0; i < 200; i++)
            {
                var p = new JacobianPoint<Fp2>(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng));
                JacobianPoint<Fp2> r, inPlace = p;
                FieldKernels.G2JacobianDouble(&r, &p);
                FieldKernels.G2JacobianDouble(&inPlace, &inPlace);

                FieldKernels.Enabled = false;
                var expected = JacobianPoint<Fp2>.DoubleManaged(p);
                FieldKernels.Enabled = previous;
                foreach (var actual in new[] { r, inPlace })
                {
                    Assert.True(Fp2.Equal(expected.X, actual.X) && Fp2.Equal(expected.Y, actual.Y) && Fp2.Equal(expected.Z, actual.Z));
                }
            }
        }
        finally
        {
            FieldKernels.Enabled = previous;
        }
    }

    [KernelFact]
    public void PointKernelsMatchTheCompleteFormulas()
    {
        var rng = Seeded(4107);
        bool previous = FieldKernels.Enabled;
        try
        {
            var g1 = ProjectivePoint<Fp>.FromAffine(G1.GeneratorX, G1.GeneratorY);
            var g2 = G2.Generator;
            for (int i = 0; i < 100; i++)
            {
                // Random coordinates (the formulas are polynomials: they must agree off the curve too), then the
                // cases complete formulas exist for: P + P, P + (-P), P + O, O + O.
                var a1 = new ProjectivePoint<Fp>(FromRaw(RandomBelow(rng, P)), FromRaw(RandomBelow(rng, P)), FromRaw(RandomBelow(rng, P)));
                var b1 = new ProjectivePoint<Fp>(FromRaw(RandomBelow(rng, P)), FromRaw(RandomBelow(rng, P)), FromRaw(RandomBelow(rng, P)));
                var a2 = new ProjectivePoint<Fp2>(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng));
                var b2 = new ProjectivePoint<Fp2>(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng));
                CheckG1(a1, b1);
                CheckG2(a2, b2);
            }

            var g2Twice = ProjectivePoint<Fp2>.Identity;
            var g2InPlace = g2;
            FieldKernels.G2Double(&g2Twice, &g2);
            FieldKernels.G2Double(&g2InPlace, &g2InPlace);
            Assert.True(Fp2.Equal(g2Twice.X, g2InPlace.X) && Fp2.Equal(g2Twice.Y, g2InPlace.Y) && Fp2.Equal(g2Twice.Z, g2InPlace.Z));
            var g1Twice = ProjectivePoint<Fp>.Identity;
            var g1InPlace = g1;
            FieldKernels.G1Double(&g1Twice, &g1);
            FieldKernels.G1Double(&g1InPlace, &g1InPlace);
            Assert.True(Fp.Equal(g1Twice.X, g1InPlace.X) && Fp.Equal(g1Twice.Y, g1InPlace.Y) && Fp.Equal(g1Twice.Z, g1InPlace.Z));

            CheckG1(g1, g1);
            CheckG1(g1, ProjectivePoint<Fp>.Negate(g1));
            CheckG1(g1, ProjectivePoint<Fp>.Identity);
            CheckG1(ProjectivePoint<Fp>.Identity, ProjectivePoint<Fp>.Identity);
            CheckG2(g2, g2);
            CheckG2(g2, ProjectivePoint<Fp2>.Negate(g2));
            CheckG2(ProjectivePoint<Fp2>.Identity, g2);
            CheckG2(ProjectivePoint<Fp2>.Identity, ProjectivePoint<Fp2>.Identity);
        }
        finally
        {
            FieldKernels.Enabled = previous;
        }

        void CheckG1(ProjectivePoint<Fp> p, ProjectivePoint<Fp> q)
        {
            FieldKernels.Enabled = true;
            ProjectivePoint<Fp> sum, twice, inPlace = p;
            FieldKernels.G1Add(&sum, &p, &q);
            FieldKernels.G1Double(&twice, &p);
            FieldKernels.G1Add(&inPlace, &inPlace, &q);
            FieldKernels.Enabled = false;
            var expectedSum = ProjectivePoint<Fp>.AddManaged(p, q);
            var expectedTwice = ProjectivePoint<Fp>.DoubleManaged(p);
            foreach (var actual in new[] { sum, inPlace })
            {
                Assert.True(Fp.Equal(expectedSum.X, actual.X) && Fp.Equal(expectedSum.Y, actual.Y) && Fp.Equal(expectedSum.Z, actual.Z));
            }

            Assert.True(Fp.Equal(expectedTwice.X, twice.X) && Fp.Equal(expectedTwice.Y, twice.Y) && Fp.Equal(expectedTwice.Z, twice.Z));
        }

        void CheckG2(ProjectivePoint<Fp2> p, ProjectivePoint<Fp2> q)
        {
            FieldKernels.Enabled = true;
            ProjectivePoint<Fp2> sum, twice, inPlace = q;
            FieldKernels.G2Add(&sum, &p, &q);
            FieldKernels.G2Double(&twice, &p);
            FieldKernels.G2Add(&inPlace, &p, &inPlace);
            FieldKernels.Enabled = false;
            var expectedSum = ProjectivePoint<Fp2>.AddManaged(p, q);
            var expectedTwice = ProjectivePoint<Fp2>.DoubleManaged(p);
            foreach (var actual in new[] { sum, inPlace })
            {
                Assert.True(Fp2.Equal(expectedSum.X, actual.X) && Fp2.Equal(expectedSum.Y, actual.Y) && Fp2.Equal(expectedSum.Z, actual.Z));
            }

            Assert.True(Fp2.Equal(expectedTwice.X, twice.X) && Fp2.Equal(expectedTwice.Y, twice.Y) && Fp2.Equal(expectedTwice.Z, twice.Z));
        }
    }

    [KernelFact]
    public void CyclotomicSquareKernelSquaresPairingValues()
    {
        var pair = new PairingInput(G1.GeneratorX, G1.GeneratorY, G2.GeneratorX, G2.GeneratorY);
        Fp12 m = Pairing.Pair(pair);
        for (int i = 0; i < 5; i++)
        {
            Fp12 cyclotomic;
            FieldKernels.Fp12CyclotomicSquare(&cyclotomic, &m);
            Fp12 expected = Fp12.SquareManaged(m); // managed formulas over whatever Fp2 code runs, checked elsewhere
            Assert.True(Fp12.Equal(expected, cyclotomic));
            m = cyclotomic;
        }
    }

    /// <summary>Random pairs plus the edges: 0, 1, p - 1, and unreduced operands in [p, 2p) that Mul accepts.</summary>
    private static IEnumerable<(Fp A, Fp B)> FpPairs(Random rng, int count)
    {
        BigInteger[] edges = [0, 1, P - 1, P, 2 * P - 1, (BigInteger.One << 384) % P, P / 2];
        foreach (var x in edges)
        {
            foreach (var y in edges)
            {
                yield return (FromRaw(x), FromRaw(y));
            }
        }

        for (int i = 0; i < count; i++)
        {
            BigInteger bound = i % 4 == 0 ? 2 * P : P;
            yield return (FromRaw(RandomBelow(rng, bound)), FromRaw(RandomBelow(rng, bound)));
        }
    }

    private static Fp2 RandomFp2(Random rng) => new(FromRaw(RandomBelow(rng, P)), FromRaw(RandomBelow(rng, P)));

    private static Fp12 RandomFp12(Random rng) => new(
        new Fp6(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng)),
        new Fp6(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng)));

    private static void AssertReduced(BigInteger expected, in Fp actual)
    {
        BigInteger raw = Raw(actual);
        Assert.True(raw < P, $"result not reduced: {raw:x}");
        Assert.Equal(((expected % P) + P) % P, raw);
    }

    private static void AssertReduced(BigInteger c0, BigInteger c1, in Fp2 actual)
    {
        AssertReduced(c0, actual.C0);
        AssertReduced(c1, actual.C1);
    }

    private static BigInteger Raw(in Fp x)
    {
        Span<byte> bytes = stackalloc byte[48];
        ulong[] limbs = [x.L0, x.L1, x.L2, x.L3, x.L4, x.L5];
        for (int i = 0; i < 6; i++)
        {
            BitConverter.TryWriteBytes(bytes[(8 * i)..], limbs[i]);
        }

        return new BigInteger(bytes, isUnsigned: true);
    }

    private static Fp FromRaw(BigInteger v)
    {
        var l = Fp.Limbs(v);
        return new Fp(l[0], l[1], l[2], l[3], l[4], l[5]);
    }

    private static BigInteger RandomBelow(Random rng, BigInteger bound)
    {
        var bytes = new byte[49];
        rng.NextBytes(bytes);
        bytes[48] = 0;
        return new BigInteger(bytes, isUnsigned: true) % bound;
    }

    private Random Seeded(int defaultSeed)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_FUZZ_SEED"), out var s) ? s : defaultSeed;
        output.WriteLine($"seed {seed} (set MARKETPLACE_FUZZ_SEED to change it)");
        return new Random(seed);
    }
}
