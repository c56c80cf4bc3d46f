// Design note: static helpers called by compiled code. Small ones are AggressiveInlining so the JIT folds them
// into the caller; every failure path throws a WasmTrap through a non-inlined throw helper.
using System.Runtime.CompilerServices;

namespace Marketplace.Wasm.Runtime;

internal static partial class Ops
{
    public const int CanonF32Bits = 0x7FC00000;
    public const long CanonF64Bits = 0x7FF8000000000000;

    [ThreadStatic]
    private static long[]? resultBits;

    [ThreadStatic]
    private static object?[]? resultRefs;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception Trap(int code) => new WasmTrap((TrapCode)code);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(TrapCode code) => throw new WasmTrap(code);

    /// <summary>The slow path of a fuel check: the slice is used up; refill it or trap (out of fuel, interrupted).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Refuel(Store store, long fuel) => store.Refuel(fuel);

    /// <summary>Called on function entry when the depth counter hits a multiple of 16 (or always for big frames).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CheckStack(int depthLeft)
    {
        if (depthLeft <= 0 || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new WasmTrap(TrapCode.CallStackExhausted);
        }
    }

    public static long[] ResultBits(int count)
    {
        var a = resultBits;
        if (a is null || a.Length < count)
        {
            resultBits = a = new long[Math.Max(count, 16)];
        }

        return a;
    }

    public static object?[] ResultRefs(int count)
    {
        var a = resultRefs;
        if (a is null || a.Length < count)
        {
            resultRefs = a = new object?[Math.Max(count, 16)];
        }

        return a;
    }

    // ---- integer arithmetic ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DivS32(int a, int b)
    {
        if (b == 0)
        {
            Throw(TrapCode.IntegerDivideByZero);
        }

        if (b == -1 && a == int.MinValue)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return a / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DivU32(int a, int b)
    {
        if (b == 0)
        {
            Throw(TrapCode.IntegerDivideByZero);
        }

        return (int)((uint)a / (uint)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RemS32(int a, int b)
    {
        if (b == 0)
        {
            Throw(TrapCode.IntegerDivideByZero);
        }

        return b == -1 ? 0 : a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RemU32(int a, int b)
    {
        if (b == 0)
        {
            Throw(TrapCode.IntegerDivideByZero);
        }

        return (int)((uint)a % (uint)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long DivS64(long a, long b)
    {
        if (b == 0)
        {
            Throw(TrapCode.IntegerDivideByZero);
        }

        if (b == -1 && a == long.MinValue)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return a / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long DivU64(long a, long b)
    {
        if (b == 0)
        {
            Throw(TrapCode.IntegerDivideByZero);
        }

        return (long)((ulong)a / (ulong)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long RemS64(long a, long b)
    {
        if (b == 0)
        {
            Throw(TrapCode.IntegerDivideByZero);
        }

        return b == -1 ? 0 : a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long RemU64(long a, long b)
    {
        if (b == 0)
        {
            Throw(TrapCode.IntegerDivideByZero);
        }

        return (long)((ulong)a % (ulong)b);
    }

    // ---- floats ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CanonF32(float x) => float.IsNaN(x) ? BitConverter.Int32BitsToSingle(CanonF32Bits) : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double CanonF64(double x) => double.IsNaN(x) ? BitConverter.Int64BitsToDouble(CanonF64Bits) : x;

    /// <summary>Sets the quiet bit of a NaN (what the hardware does to a signalling NaN operand); other values pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float QuietF32(float x) =>
        float.IsNaN(x) ? BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(x) | 0x00400000) : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double QuietF64(double x) =>
        double.IsNaN(x) ? BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(x) | 0x0008000000000000) : x;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float F32FromBits(int bits) => BitConverter.Int32BitsToSingle(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MinF32(float a, float b) => float.IsNaN(a) ? QuietF32(a) : float.IsNaN(b) ? QuietF32(b) : MathF.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxF32(float a, float b) => float.IsNaN(a) ? QuietF32(a) : float.IsNaN(b) ? QuietF32(b) : MathF.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MinF64(double a, double b) => double.IsNaN(a) ? QuietF64(a) : double.IsNaN(b) ? QuietF64(b) : Math.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxF64(double a, double b) => double.IsNaN(a) ? QuietF64(a) : double.IsNaN(b) ? QuietF64(b) : Math.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CopySignF32(float a, float b) => BitConverter.Int32BitsToSingle(
        (BitConverter.SingleToInt32Bits(a) & 0x7FFFFFFF) | (BitConverter.SingleToInt32Bits(b) & unchecked((int)0x80000000)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double CopySignF64(double a, double b) => BitConverter.Int64BitsToDouble(
        (BitConverter.DoubleToInt64Bits(a) & 0x7FFFFFFFFFFFFFFF) | (BitConverter.DoubleToInt64Bits(b) & long.MinValue));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float AbsF32(float a) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) & 0x7FFFFFFF);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AbsF64(double a) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a) & 0x7FFFFFFFFFFFFFFF);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float NegF32(float a) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) ^ unchecked((int)0x80000000));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double NegF64(double a) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a) ^ long.MinValue);

    public static float NearestF32(float a) => MathF.Round(a, MidpointRounding.ToEven);

    public static double NearestF64(double a) => Math.Round(a, MidpointRounding.ToEven);

    // ---- conversions ----
    public static int TruncF32S32(float x)
    {
        if (float.IsNaN(x))
        {
            Throw(TrapCode.InvalidConversion);
        }

        if (x >= 2147483648f || x < -2147483648f)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return (int)x;
    }

    public static int TruncF32U32(float x)
    {
        if (float.IsNaN(x))
        {
            Throw(TrapCode.InvalidConversion);
        }

        if (x >= 4294967296f || x <= -1f)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return (int)(uint)x;
    }

    public static int TruncF64S32(double x)
    {
        if (double.IsNaN(x))
        {
            Throw(TrapCode.InvalidConversion);
        }

        if (x >= 2147483648.0 || x <= -2147483649.0)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return (int)x;
    }

    public static int TruncF64U32(double x)
    {
        if (double.IsNaN(x))
        {
            Throw(TrapCode.InvalidConversion);
        }

        if (x >= 4294967296.0 || x <= -1.0)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return (int)(uint)x;
    }

    public static long TruncF32S64(float x)
    {
        if (float.IsNaN(x))
        {
            Throw(TrapCode.InvalidConversion);
        }

        if (x >= 9223372036854775808f || x < -9223372036854775808f)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return (long)x;
    }

    public static long TruncF32U64(float x)
    {
        if (float.IsNaN(x))
        {
            Throw(TrapCode.InvalidConversion);
        }

        if (x >= 18446744073709551616f || x <= -1f)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return (long)(ulong)x;
    }

    public static long TruncF64S64(double x)
    {
        if (double.IsNaN(x))
        {
            Throw(TrapCode.InvalidConversion);
        }

        if (x >= 9223372036854775808.0 || x < -9223372036854775808.0)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return (long)x;
    }

    public static long TruncF64U64(double x)
    {
        if (double.IsNaN(x))
        {
            Throw(TrapCode.InvalidConversion);
        }

        if (x >= 18446744073709551616.0 || x <= -1.0)
        {
            Throw(TrapCode.IntegerOverflow);
        }

        return (long)(ulong)x;
    }

    public static int SatF32S32(float x) => float.IsNaN(x) ? 0 : x >= 2147483648f ? int.MaxValue : x < -2147483648f ? int.MinValue : (int)x;

    public static int SatF32U32(float x) => float.IsNaN(x) || x <= -1f ? 0 : x >= 4294967296f ? -1 : (int)(uint)x;

    public static int SatF64S32(double x) => double.IsNaN(x) ? 0 : x >= 2147483648.0 ? int.MaxValue : x <= -2147483649.0 ? int.MinValue : (int)x;

    public static int SatF64U32(double x) => double.IsNaN(x) || x <= -1.0 ? 0 : x >= 4294967296.0 ? -1 : (int)(uint)x;

    public static long SatF32S64(float x) => float.IsNaN(x) ? 0 : x >= 9223372036854775808f ? long.MaxValue : x < -9223372036854775808f ? long.MinValue : (long)x;

    public static long SatF32U64(float x) => float.IsNaN(x) || x <= -1f ? 0 : x >= 18446744073709551616f ? -1 : (long)(ulong)x;

    public static long SatF64S64(double x) => double.IsNaN(x) ? 0 : x >= 9223372036854775808.0 ? long.MaxValue : x < -9223372036854775808.0 ? long.MinValue : (long)x;

    public static long SatF64U64(double x) => double.IsNaN(x) || x <= -1.0 ? 0 : x >= 18446744073709551616.0 ? -1 : (long)(ulong)x;

    public static float U32ToF32(int x) => (float)(long)(uint)x;

    public static double U32ToF64(int x) => (uint)x;

    public static float S64ToF32(long x) => (float)x;

    public static float U64ToF32(long x)
    {
        if (x >= 0)
        {
            return (float)x;
        }

        // Halve with a sticky bit so the single rounding step is exact.
        var u = (ulong)x;
        var half = (long)((u >> 1) | (u & 1));
        return (float)half * 2f;
    }

    public static double U64ToF64(long x)
    {
        if (x >= 0)
        {
            return (double)x;
        }

        var u = (ulong)x;
        var half = (long)((u >> 1) | (u & 1));
        return (double)half * 2.0;
    }
}
