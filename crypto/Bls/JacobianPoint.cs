// Design note: Jacobian coordinates (x = X/Z^2, y = Y/Z^3) for variable-time scalar multiplication of PUBLIC points
// (multiplication by the BLS parameter in subgroup checks and cofactor clearing). Doubling is 2M + 5S instead of
// the complete formula's 6M + 2S; the addition is the general 11M + 5S one with explicit checks for the identity,
// P = Q and P = -Q, so it is correct for every input, but its running time depends on the data.
using System.Runtime.CompilerServices;
using Marketplace.Crypto.Bls.Kernels;

namespace Marketplace.Crypto.Bls;

/// <summary>A point in Jacobian coordinates; identity has Z = 0.</summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // stack buffers here are always written before use
internal readonly struct JacobianPoint<T>
    where T : unmanaged, IFieldElement<T>
{
    internal readonly T X, Y, Z;

    internal JacobianPoint(in T x, in T y, in T z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    public bool IsIdentity => Z.IsZero;

    /// <summary>From homogeneous (X : Y : Z): Jacobian (X Z, Y Z^2, Z).</summary>
    public static JacobianPoint<T> FromProjective(in ProjectivePoint<T> p)
    {
        if (p.IsIdentity)
        {
            return new JacobianPoint<T>(T.One, T.One, T.Zero);
        }

        T z2 = T.Square(p.Z);
        return new JacobianPoint<T>(T.Mul(p.X, p.Z), T.Mul(p.Y, z2), p.Z);
    }

    /// <summary>Branch-free conversion from homogeneous form; the identity (0 : 1 : 0) maps to (0, 0, 0), which
    /// doubles to itself and converts back to a Z = 0 point.</summary>
    public static JacobianPoint<T> FromProjectiveConstantTime(in ProjectivePoint<T> p) =>
        new(T.Mul(p.X, p.Z), T.Mul(p.Y, T.Square(p.Z)), p.Z);

    /// <summary>Branch-free conversion to homogeneous form: (X Z, Y, Z^3); a Z = 0 input becomes (0 : 1 : 0).</summary>
    public ProjectivePoint<T> ToProjectiveConstantTime()
    {
        T z3 = T.Mul(T.Square(Z), Z);
        ulong identity = Z.IsZeroMask();
        return new ProjectivePoint<T>(T.Select(T.Mul(X, Z), T.Zero, identity), T.Select(Y, T.One, identity), z3);
    }

    /// <summary>To homogeneous: (X Z, Y, Z^3).</summary>
    public ProjectivePoint<T> ToProjective() =>
        IsIdentity ? ProjectivePoint<T>.Identity : new ProjectivePoint<T>(T.Mul(X, Z), Y, T.Mul(T.Square(Z), Z));

    public static unsafe JacobianPoint<T> Double(in JacobianPoint<T> p)
    {
        if (typeof(T) == typeof(Fp2) && FieldKernels.Enabled)
        {
            // One kernel for the whole G2 doubling (the check above is resolved when the JIT specialises T).
            Unsafe.SkipInit(out JacobianPoint<Fp2> r);
            fixed (JacobianPoint<T>* pp = &p)
            {
                FieldKernels.G2JacobianDouble(&r, (JacobianPoint<Fp2>*)pp);
            }

            return Unsafe.As<JacobianPoint<Fp2>, JacobianPoint<T>>(ref r);
        }

        return DoubleManaged(p);
    }

    /// <summary>2M + 5S doubling over the field operations (kernel or managed).</summary>
    internal static JacobianPoint<T> DoubleManaged(in JacobianPoint<T> p)
    {
        T a = T.Square(p.X);
        T b = T.Square(p.Y);
        T c = T.Square(b);
        T d = T.Double(T.Sub(T.Sub(T.Square(T.Add(p.X, b)), a), c));
        T e = T.Add(T.Double(a), a);
        T f = T.Square(e);
        T x3 = T.Sub(f, T.Double(d));
        T c8 = T.Double(T.Double(T.Double(c)));
        T y3 = T.Sub(T.Mul(e, T.Sub(d, x3)), c8);
        T z3 = T.Double(T.Mul(p.Y, p.Z));
        return new JacobianPoint<T>(x3, y3, z3);
    }

    public static JacobianPoint<T> Add(in JacobianPoint<T> p, in JacobianPoint<T> q)
    {
        if (p.IsIdentity)
        {
            return q;
        }

        if (q.IsIdentity)
        {
            return p;
        }

        T z1z1 = T.Square(p.Z);
        T z2z2 = T.Square(q.Z);
        T u1 = T.Mul(p.X, z2z2);
        T u2 = T.Mul(q.X, z1z1);
        T s1 = T.Mul(T.Mul(p.Y, q.Z), z2z2);
        T s2 = T.Mul(T.Mul(q.Y, p.Z), z1z1);
        T h = T.Sub(u2, u1);
        T r = T.Double(T.Sub(s2, s1));
        if (h.IsZero)
        {
            return r.IsZero ? Double(p) : new JacobianPoint<T>(T.One, T.One, T.Zero);
        }

        T i = T.Square(T.Double(h));
        T j = T.Mul(h, i);
        T v = T.Mul(u1, i);
        T x3 = T.Sub(T.Sub(T.Square(r), j), T.Double(v));
        T y3 = T.Sub(T.Mul(r, T.Sub(v, x3)), T.Double(T.Mul(s1, j)));
        T z3 = T.Mul(T.Sub(T.Sub(T.Square(T.Add(p.Z, q.Z)), z1z1), z2z2), h);
        return new JacobianPoint<T>(x3, y3, z3);
    }

    /// <summary>Variable-time multiplication of a public point by a public 64-bit scalar.</summary>
    public static ProjectivePoint<T> MulPublic(in ProjectivePoint<T> point, ulong scalar)
    {
        if (scalar == 0 || point.IsIdentity)
        {
            return ProjectivePoint<T>.Identity;
        }

        var p = FromProjective(point);
        var r = p;
        for (int bit = 62 - System.Numerics.BitOperations.LeadingZeroCount(scalar); bit >= 0; bit--)
        {
            r = Double(r);
            if (((scalar >> bit) & 1) != 0)
            {
                r = Add(r, p);
            }
        }

        return r.ToProjective();
    }
}
