// Design note: the double-width macros behind lazy reduction: plain 768-bit products (MulWide), Montgomery
// reduction of a 768-bit value (Redc), and 12-limb subtractions, exact or modulo p 2^384. Same register contract as
// the macros in FieldKernelEmitter.cs.
namespace Marketplace.Crypto.Bls.Kernels;

internal sealed partial class FieldKernelEmitter
{
    /// <summary>
    /// dst (12 limbs) = a b, the plain 768-bit product of a, b below 2^384: the rows of MontMul without the
    /// reduction; after row i limb i is final and is stored, and the window slides up.
    /// </summary>
    private void MulWide(Mem dst, Mem a, Mem b)
    {
        var w = new LimbWindow();
        FirstProductRow(w, a, b);
        _asm.Mov(dst, w[0]);
        _asm.Zero(Reg.Rax);
        for (int i = 1; i < 6; i++)
        {
            w.Slide();
            ProductRow(w, a, b.Offset(8 * i));
            _asm.Mov(dst.Offset(8 * i), w[0]);
        }

        for (int k = 1; k < 7; k++)
        {
            _asm.Mov(dst.Offset(8 * (5 + k)), w[k]);
        }
    }

    /// <summary>
    /// dst = t / 2^384 mod p, fully reduced, for a 12-limb t below p 2^384. Six Montgomery rounds clear the low
    /// half (u = (t_lo + m p) / 2^384 &lt;= p), then the high half is added (u + t_hi &lt; 2p) and p subtracted once
    /// unless that borrows.
    /// </summary>
    private void Redc(Mem dst, Mem t)
    {
        var w = new LimbWindow();
        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(w[k], t.Offset(8 * k));
        }

        _asm.Zero(Reg.Rax);
        for (int i = 0; i < 6; i++)
        {
            ReductionRow(w, topIsNew: true);
            w.Slide();
        }

        _asm.Add(w[0], t.Offset(48));
        for (int k = 1; k < 6; k++)
        {
            _asm.Adc(w[k], t.Offset(48 + (8 * k)));
        }

        ConditionalSubtractModulus(dst, [w[0], w[1], w[2], w[3], w[4], w[5]], [w[6], Reg.Rax, Reg.Rcx, Reg.Rdx, Reg.Rbp, Reg.R15]);
    }

    /// <summary>dst = x - y over 12 limbs; the caller guarantees x &gt;= y.</summary>
    private void WideSub(Mem dst, Mem x, Mem y)
    {
        // Two halves of six limbs; MOV leaves the borrow in CF between them.
        for (int half = 0; half < 2; half++)
        {
            int o = 48 * half;
            for (int k = 0; k < 6; k++)
            {
                _asm.Mov(Six[k], x.Offset(o + (8 * k)));
            }

            for (int k = 0; k < 6; k++)
            {
                if (half == 0 && k == 0)
                {
                    _asm.Sub(Six[k], y.Offset(o));
                }
                else
                {
                    _asm.Sbb(Six[k], y.Offset(o + (8 * k)));
                }
            }

            for (int k = 0; k < 6; k++)
            {
                _asm.Mov(dst.Offset(o + (8 * k)), Six[k]);
            }
        }
    }

    /// <summary>
    /// dst = x - y modulo p 2^384 for 12-limb x, y below p 2^384: when the difference borrows, p is added to its
    /// high half, masked, so the result stays below p 2^384 and is congruent to x - y mod p after Redc.
    /// </summary>
    private void WideSubModP(Mem dst, Mem x, Mem y)
    {
        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(Six[k], x.Offset(8 * k));
        }

        _asm.Sub(Six[0], y);
        for (int k = 1; k < 6; k++)
        {
            _asm.Sbb(Six[k], y.Offset(8 * k));
        }

        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(dst.Offset(8 * k), Six[k]);
        }

        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(Six[k], x.Offset(48 + (8 * k)));
        }

        for (int k = 0; k < 6; k++)
        {
            _asm.Sbb(Six[k], y.Offset(48 + (8 * k)));
        }

        AddModulusOnBorrow(dst.Offset(48));
    }

    /// <summary>Six[] += p when CF (a borrow) is set, masked; stores Six[] to dst.</summary>
    private void AddModulusOnBorrow(Mem dst)
    {
        // rax = all-ones on borrow; the masked limbs are formed before the carry chain (AND clears CF).
        _asm.Sbb(Reg.Rax, Reg.Rax);
        Reg[] masked = [Reg.Rcx, Reg.Rdx, Reg.Rbp, Reg.R14, Reg.R15, Reg.Rax];
        for (int k = 0; k < 5; k++)
        {
            _asm.Mov(masked[k], ModulusLimb(k));
            _asm.And(masked[k], Reg.Rax);
        }

        _asm.And(Reg.Rax, ModulusLimb(5));
        _asm.Add(Six[0], masked[0]);
        for (int k = 1; k < 6; k++)
        {
            _asm.Adc(Six[k], masked[k]);
        }

        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(dst.Offset(8 * k), Six[k]);
        }
    }
}
