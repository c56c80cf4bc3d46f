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
        const Reg Hi = Reg.Rcx, Lo = Reg.Rbp;
        int s = 0;
        Reg W(int k) => Window[(s + k) % 7];

        asm.Mov(Reg.Rdx, b);
        asm.Mulx(W(1), W(0), a);
        for (int k = 1; k < 6; k++)
        {
            asm.Mulx(W(k + 1), Lo, a.Offset(8 * k));
            if (k == 1)
            {
                asm.Add(W(k), Lo);
            }
            else
            {
                asm.Adc(W(k), Lo);
            }
        }

        asm.AdcImm(W(6), 0);
        asm.Mov(dst, W(0));
        asm.Zero(Reg.Rax);
        for (int i = 1; i < 6; i++)
        {
            s++;
            asm.Mov(Reg.Rdx, b.Offset(8 * i));
            asm.Zero(W(6));
            for (int k = 0; k < 6; k++)
            {
                asm.Mulx(Hi, Lo, a.Offset(8 * k));
                asm.Adox(W(k), Lo);
                asm.Adcx(W(k + 1), Hi);
            }

            asm.Adox(W(6), Reg.Rax);
            asm.Mov(dst.Offset(8 * i), W(0));
        }

        for (int k = 1; k < 7; k++)
        {
            asm.Mov(dst.Offset(8 * (5 + k)), W(k));
        }
    }

    /// <summary>
    /// dst = t / 2^384 mod p, fully reduced, for a 12-limb t below p 2^384. Six Montgomery rounds clear the low
    /// half (u = (t_lo + m p) / 2^384 &lt;= p), then the high half is added (u + t_hi &lt; 2p) and p subtracted once
    /// unless that borrows.
    /// </summary>
    private void Redc(Mem dst, Mem t)
    {
        const Reg Hi = Reg.Rcx, Lo = Reg.Rbp;
        int s = 0;
        Reg W(int k) => Window[(s + k) % 7];
        for (int k = 0; k < 6; k++)
        {
            asm.Mov(W(k), t.Offset(8 * k));
        }

        asm.Zero(Reg.Rax);
        for (int i = 0; i < 6; i++)
        {
            asm.Mov(Reg.Rdx, W(0));
            asm.Imul(Reg.Rdx, Mem.Rip(inverse));
            asm.Zero(W(6));
            for (int k = 0; k < 6; k++)
            {
                asm.Mulx(Hi, Lo, ModulusLimb(k));
                asm.Adox(W(k), Lo);
                asm.Adcx(W(k + 1), Hi);
            }

            asm.Adox(W(6), Reg.Rax);
            s++;
        }

        asm.Add(W(0), t.Offset(48));
        for (int k = 1; k < 6; k++)
        {
            asm.Adc(W(k), t.Offset(48 + (8 * k)));
        }

        Reg[] res = [W(0), W(1), W(2), W(3), W(4), W(5)];
        Reg[] tmp = [W(6), Reg.Rax, Reg.Rcx, Reg.Rdx, Reg.Rbp, Reg.R15];
        ConditionalSubtractModulus(dst, res, tmp);
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
                asm.Mov(Six[k], x.Offset(o + (8 * k)));
            }

            for (int k = 0; k < 6; k++)
            {
                if (half == 0 && k == 0)
                {
                    asm.Sub(Six[k], y.Offset(o));
                }
                else
                {
                    asm.Sbb(Six[k], y.Offset(o + (8 * k)));
                }
            }

            for (int k = 0; k < 6; k++)
            {
                asm.Mov(dst.Offset(o + (8 * k)), Six[k]);
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
            asm.Mov(Six[k], x.Offset(8 * k));
        }

        asm.Sub(Six[0], y);
        for (int k = 1; k < 6; k++)
        {
            asm.Sbb(Six[k], y.Offset(8 * k));
        }

        for (int k = 0; k < 6; k++)
        {
            asm.Mov(dst.Offset(8 * k), Six[k]);
        }

        for (int k = 0; k < 6; k++)
        {
            asm.Mov(Six[k], x.Offset(48 + (8 * k)));
        }

        for (int k = 0; k < 6; k++)
        {
            asm.Sbb(Six[k], y.Offset(48 + (8 * k)));
        }

        AddModulusOnBorrow(dst.Offset(48));
    }

    /// <summary>Six[] += p when CF (a borrow) is set, masked; stores Six[] to dst.</summary>
    private void AddModulusOnBorrow(Mem dst)
    {
        // rax = all-ones on borrow; the masked limbs are formed before the carry chain (AND clears CF).
        asm.Sbb(Reg.Rax, Reg.Rax);
        Reg[] masked = [Reg.Rcx, Reg.Rdx, Reg.Rbp, Reg.R14, Reg.R15, Reg.Rax];
        for (int k = 0; k < 5; k++)
        {
            asm.Mov(masked[k], ModulusLimb(k));
            asm.And(masked[k], Reg.Rax);
        }

        asm.And(Reg.Rax, ModulusLimb(5));
        asm.Add(Six[0], masked[0]);
        for (int k = 1; k < 6; k++)
        {
            asm.Adc(Six[k], masked[k]);
        }

        for (int k = 0; k < 6; k++)
        {
            asm.Mov(dst.Offset(8 * k), Six[k]);
        }
    }
}
