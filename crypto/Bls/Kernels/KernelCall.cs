// Design note: the managed side of a kernel call, written once: the result is a stack local (never moved by the GC),
// the operands are pinned for the duration of the call, and the result is returned by value. The two calling
// conventions of FieldKernels (GC transition suppressed for the short kernels, kept for the long ones) each get a
// unary and a binary form; kernels with mixed operand types are called directly.
using System.Runtime.CompilerServices;

namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>Calls a field kernel of shape op(result, a) or op(result, a, b) on values.</summary>
internal static unsafe class KernelCall
{
    /// <summary>r = kernel(a) for a short kernel (GC transition suppressed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Unary<T>(delegate* unmanaged[SuppressGCTransition]<T*, T*, void> kernel, in T a)
        where T : unmanaged
    {
        Unsafe.SkipInit(out T r);
        fixed (T* pa = &a)
        {
            kernel(&r, pa);
        }

        return r;
    }

    /// <summary>r = kernel(a, b) for a short kernel (GC transition suppressed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Binary<T>(delegate* unmanaged[SuppressGCTransition]<T*, T*, T*, void> kernel, in T a, in T b)
        where T : unmanaged
    {
        Unsafe.SkipInit(out T r);
        fixed (T* pa = &a, pb = &b)
        {
            kernel(&r, pa, pb);
        }

        return r;
    }

    /// <summary>r = kernel(a) for a long kernel (normal GC transition).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Unary<T>(delegate* unmanaged<T*, T*, void> kernel, in T a)
        where T : unmanaged
    {
        Unsafe.SkipInit(out T r);
        fixed (T* pa = &a)
        {
            kernel(&r, pa);
        }

        return r;
    }

    /// <summary>r = kernel(a, b) for a long kernel (normal GC transition).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Binary<T>(delegate* unmanaged<T*, T*, T*, void> kernel, in T a, in T b)
        where T : unmanaged
    {
        Unsafe.SkipInit(out T r);
        fixed (T* pa = &a, pb = &b)
        {
            kernel(&r, pa, pb);
        }

        return r;
    }
}
