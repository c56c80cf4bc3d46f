// Design note: points of y^2 = x^3 + b in homogeneous projective coordinates (X : Y : Z), x = X/Z, y = Y/Z,
// identity (0 : 1 : 0). Addition and doubling are the complete formulas of Renes, Costello and Batina (2016,
// algorithms 7 and 9 for a = 0): they are correct for every pair of inputs, identity and P + P included, on curves
// without points of order two (both BLS12-381 curves have odd order), so neither aggregation of attacker-chosen
// points nor the constant-time ladder needs special cases. Generic over the coordinate field (Fp: G1, Fp2: G2).
using System.Runtime.CompilerServices;
using Marketplace.Crypto.Bls.Kernels;

namespace Marketplace.Crypto.Bls;

/// <summary>A point on E (T = Fp) or E' (T = Fp2) in homogeneous projective coordinates.</summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // stack buffers here are always written before use
internal readonly struct ProjectivePoint<T>
    where T : unmanaged, IFieldElement<T>
{
    internal readonly T X, Y, Z;

    internal ProjectivePoint(in T x, in T y, in T z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    public static ProjectivePoint<T> Identity => new(T.Zero, T.One, T.Zero);

    public static ProjectivePoint<T> FromAffine(in T x, in T y) => new(x, y, T.One);

    public bool IsIdentity => Z.IsZero;

    public static unsafe ProjectivePoint<T> Add(in ProjectivePoint<T> p, in ProjectivePoint<T> q)
    {
        // One kernel for the whole addition when it runs (the type checks are resolved when the JIT specialises T).
        if ((typeof(T) == typeof(Fp) || typeof(T) == typeof(Fp2)) && FieldKernels.Enabled)
        {
            Unsafe.SkipInit(out ProjectivePoint<T> r);
            fixed (ProjectivePoint<T>* pp = &p, pq = &q)
            {
                if (typeof(T) == typeof(Fp))
                {
                    FieldKernels.G1Add((ProjectivePoint<Fp>*)&r, (ProjectivePoint<Fp>*)pp, (ProjectivePoint<Fp>*)pq);
                }
                else
                {
                    FieldKernels.G2Add((ProjectivePoint<Fp2>*)&r, (ProjectivePoint<Fp2>*)pp, (ProjectivePoint<Fp2>*)pq);
                }
            }

            return r;
        }

        return AddManaged(p, q);
    }

    /// <summary>Algorithm 7 over the field operations (kernel or managed).</summary>
    internal static ProjectivePoint<T> AddManaged(in ProjectivePoint<T> p, in ProjectivePoint<T> q)
    {
        T t0 = T.Mul(p.X, q.X);
        T t1 = T.Mul(p.Y, q.Y);
        T t2 = T.Mul(p.Z, q.Z);
        T t3 = T.Mul(T.Add(p.X, p.Y), T.Add(q.X, q.Y));
        T t4 = T.Add(t0, t1);
        t3 = T.Sub(t3, t4);
        t4 = T.Mul(T.Add(p.Y, p.Z), T.Add(q.Y, q.Z));
        T x3 = T.Add(t1, t2);
        t4 = T.Sub(t4, x3);
        x3 = T.Mul(T.Add(p.X, p.Z), T.Add(q.X, q.Z));
        T y3 = T.Sub(x3, T.Add(t0, t2));
        t0 = T.Add(T.Double(t0), t0);
        t2 = T.MulByCurveB3(t2);
        T z3 = T.Add(t1, t2);
        t1 = T.Sub(t1, t2);
        y3 = T.MulByCurveB3(y3);
        x3 = T.Sub(T.Mul(t3, t1), T.Mul(t4, y3));
        y3 = T.Add(T.Mul(t1, z3), T.Mul(y3, t0));
        z3 = T.Add(T.Mul(z3, t4), T.Mul(t0, t3));
        return new ProjectivePoint<T>(x3, y3, z3);
    }

    public static unsafe ProjectivePoint<T> Double(in ProjectivePoint<T> p)
    {
        if ((typeof(T) == typeof(Fp) || typeof(T) == typeof(Fp2)) && FieldKernels.Enabled)
        {
            Unsafe.SkipInit(out ProjectivePoint<T> r);
            fixed (ProjectivePoint<T>* pp = &p)
            {
                if (typeof(T) == typeof(Fp))
                {
                    FieldKernels.G1Double((ProjectivePoint<Fp>*)&r, (ProjectivePoint<Fp>*)pp);
                }
                else
                {
                    FieldKernels.G2Double((ProjectivePoint<Fp2>*)&r, (ProjectivePoint<Fp2>*)pp);
                }
            }

            return r;
        }

        return DoubleManaged(p);
    }

    /// <summary>Algorithm 9 over the field operations (kernel or managed).</summary>
    internal static ProjectivePoint<T> DoubleManaged(in ProjectivePoint<T> p)
    {
        T t0 = T.Square(p.Y);
        T z3 = T.Double(T.Double(T.Double(t0)));
        T t1 = T.Mul(p.Y, p.Z);
        T t2 = T.MulByCurveB3(T.Square(p.Z));
        T x3 = T.Mul(t2, z3);
        T y3 = T.Add(t0, t2);
        z3 = T.Mul(t1, z3);
        t2 = T.Add(T.Double(t2), t2);
        t0 = T.Sub(t0, t2);
        y3 = T.Add(x3, T.Mul(t0, y3));
        x3 = T.Double(T.Mul(t0, T.Mul(p.X, p.Y)));
        return new ProjectivePoint<T>(x3, y3, z3);
    }

    public static ProjectivePoint<T> Negate(in ProjectivePoint<T> p) => new(p.X, T.Neg(p.Y), p.Z);

    public static ProjectivePoint<T> Sub(in ProjectivePoint<T> p, in ProjectivePoint<T> q) => Add(p, Negate(q));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ProjectivePoint<T> Select(in ProjectivePoint<T> a, in ProjectivePoint<T> b, ulong mask) =>
        new(T.Select(a.X, b.X, mask), T.Select(a.Y, b.Y, mask), T.Select(a.Z, b.Z, mask));

    /// <summary>Projective equality: X1 Z2 = X2 Z1 and Y1 Z2 = Y2 Z1 (covers the identity).</summary>
    public static bool Equal(in ProjectivePoint<T> p, in ProjectivePoint<T> q)
    {
        if (p.IsIdentity || q.IsIdentity)
        {
            return p.IsIdentity && q.IsIdentity;
        }

        return T.Equal(T.Mul(p.X, q.Z), T.Mul(q.X, p.Z)) && T.Equal(T.Mul(p.Y, q.Z), T.Mul(q.Y, p.Z));
    }

    /// <summary>Checks Y^2 Z = X^3 + b Z^3 (the identity passes).</summary>
    public bool IsOnCurve()
    {
        if (IsIdentity)
        {
            return X.IsZero && !Y.IsZero;
        }

        T lhs = T.Mul(T.Square(Y), Z);
        T z3 = T.Mul(T.Square(Z), Z);
        T b3z3 = T.MulByCurveB3(z3);
        // b Z^3 = (3b Z^3) / 3: compare 3 Y^2 Z = 3 X^3 + 3b Z^3 instead.
        T lhs3 = T.Add(T.Double(lhs), lhs);
        T x3 = T.Mul(T.Square(X), X);
        T rhs3 = T.Add(T.Add(T.Double(x3), x3), b3z3);
        return T.Equal(lhs3, rhs3);
    }

    /// <summary>Affine coordinates (constant-time inversion); the identity gives (0, 0).</summary>
    public void ToAffine(out T x, out T y)
    {
        T zi = T.Inverse(Z);
        x = T.Mul(X, zi);
        y = T.Mul(Y, zi);
    }

    /// <summary>Affine coordinates of a public point (variable-time inversion, skipped when Z = 1).</summary>
    public void ToAffinePublic(out T x, out T y)
    {
        if (T.Equal(Z, T.One))
        {
            x = X;
            y = Y;
            return;
        }

        T zi = T.InversePublic(Z);
        x = T.Mul(X, zi);
        y = T.Mul(Y, zi);
    }

    /// <summary>Multiplication by a public scalar (little-endian limbs), variable time.</summary>
    public static ProjectivePoint<T> MulPublic(in ProjectivePoint<T> p, ReadOnlySpan<ulong> scalar)
    {
        var r = Identity;
        int top = scalar.Length * 64 - 1;
        while (top >= 0 && ((scalar[top >> 6] >> (top & 63)) & 1) == 0)
        {
            top--;
        }

        for (int i = top; i >= 0; i--)
        {
            r = Double(r);
            if (((scalar[i >> 6] >> (i & 63)) & 1) != 0)
            {
                r = Add(r, p);
            }
        }

        return r;
    }

    /// <summary>Multiplication by a public 64-bit scalar, variable time.</summary>
    public static ProjectivePoint<T> MulPublic(in ProjectivePoint<T> p, ulong scalar)
    {
        ReadOnlySpan<ulong> s = [scalar];
        return MulPublic(p, s);
    }

    /// <summary>
    /// Generic multiplication by a secret 256-bit scalar (the production paths use the faster endomorphism versions in
    /// G1ScalarMultiplication and G2ScalarMultiplication; this one is their cross-check in the tests) (little-endian limbs): fixed 4-bit windows, every window does four
    /// doublings and one complete addition, and the table entry is fetched by scanning all sixteen entries with masks,
    /// so neither the sequence of operations nor the memory touched depends on the scalar. The identity passes
    /// through the coordinate conversions unchanged (Z = 0 maps to Z = 0).
    /// </summary>
    public static ProjectivePoint<T> MulSecret(in ProjectivePoint<T> p, ReadOnlySpan<ulong> scalar)
    {
        Span<ProjectivePoint<T>> table = stackalloc ProjectivePoint<T>[16];
        table[0] = Identity;
        table[1] = p;
        for (int i = 2; i < 16; i++)
        {
            table[i] = (i & 1) == 0 ? Double(table[i >> 1]) : Add(table[i - 1], p);
        }

        var r = Identity;
        for (int w = 63; w >= 0; w--)
        {
            // Four doublings in Jacobian coordinates (2M + 5S each, no exceptional inputs for doubling on curves
            // without 2-torsion), then back to homogeneous form for the complete addition.
            var j = JacobianPoint<T>.FromProjectiveConstantTime(r);
            j = JacobianPoint<T>.Double(JacobianPoint<T>.Double(JacobianPoint<T>.Double(JacobianPoint<T>.Double(j))));
            r = j.ToProjectiveConstantTime();
            uint digit = (uint)(scalar[w >> 4] >> ((w & 15) * 4)) & 15;
            var entry = Identity;
            for (uint i = 0; i < 16; i++)
            {
                ulong mask = (ulong)((long)((i ^ digit) - 1UL) >> 63);
                entry = Select(entry, table[(int)i], mask);
            }

            r = Add(r, entry);
        }

        return r;
    }
}
