// Design note: generates the x86-64 field kernels (BMI2 MULX + ADX ADCX/ADOX) that FieldKernels loads.
// The building blocks are macros over memory operands: MontMul (CIOS Montgomery multiplication with two
// independent carry chains per row: ADOX gathers the low halves, ADCX the high halves), AddMod, SubMod and the
// unreduced AddPlain. Every macro clobbers rax, rcx, rdx, rbp and r8-r15 and leaves rbx, rsi, rdi and rsp alone, so
// operands are addressed from those four. Exported entry points follow the System V AMD64 convention (arguments in
// rdi, rsi, rdx; rbx, rbp, r12-r15 saved and restored). All paths are straight-line: no branch and no memory address
// depends on the values, so the kernels are as constant-time as the managed code they replace.
namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>Emits the field kernels and records the entry offset of each.</summary>
internal sealed partial class FieldKernelEmitter
{
    /// <summary>High and low halves of each row product.</summary>
    private const Reg RowHigh = Reg.Rcx, RowLow = Reg.Rbp;

    private static readonly Reg[] Six = [Reg.R8, Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13];
    private static readonly Reg[] OtherSix = [Reg.Rax, Reg.Rcx, Reg.Rdx, Reg.Rbp, Reg.R14, Reg.R15];

    private readonly X64Assembler _asm = new();
    private readonly Label _modulus, _inverse;
    private int _constantsStart;
    private readonly Label[] _exports = new Label[(int)FieldKernel.Count];

    private FieldKernelEmitter()
    {
        _modulus = _asm.NewLabel();
        _inverse = _asm.NewLabel();
        _fpMul = _asm.NewLabel();
        _fpSqr = _asm.NewLabel();
        _fpAdd = _asm.NewLabel();
        _fpSub = _asm.NewLabel();
        _fpDbl = _asm.NewLabel();
        _fpCopy = _asm.NewLabel();
        _g1Add = _asm.NewLabel();
        _fpPow = _asm.NewLabel();
        _one = _asm.NewLabel();
        _g1Double = _asm.NewLabel();
        _g2Add = _asm.NewLabel();
        _g2Double = _asm.NewLabel();
        _fp2Add = _asm.NewLabel();
        _fp2Sub = _asm.NewLabel();
        _fp2Dbl = _asm.NewLabel();
        _fp2MulXi = _asm.NewLabel();
        _fp2Mul = _asm.NewLabel();
        _fp2Sqr = _asm.NewLabel();
        _fp2MulFp = _asm.NewLabel();
        _fp2Copy = _asm.NewLabel();
        _fp6Mul = _asm.NewLabel();
        _fp6MulBy01 = _asm.NewLabel();
        _fp6MulBy1 = _asm.NewLabel();
        _fp12Mul = _asm.NewLabel();
        _fp12Sqr = _asm.NewLabel();
        _fp12CycloSqr = _asm.NewLabel();
        _fp12CompressedSqr = _asm.NewLabel();
        _fp2Zero = _asm.NewLabel();
        _millerDoublingStep = _asm.NewLabel();
        _g2JacobianDouble = _asm.NewLabel();
        _fp12MulByLine = _asm.NewLabel();
    }

    private readonly List<(string Name, int Offset)> _symbols = [];

    /// <summary>The generated code, the entry offsets in <see cref="FieldKernel"/> order, and a symbol table.</summary>
    internal static GeneratedKernels Emit()
    {
        var e = new FieldKernelEmitter();
        e.EmitRoutines();
        var entries = new int[(int)FieldKernel.Count];
        for (int k = 0; k < entries.Length; k++)
        {
            e.Symbol("export_" + (FieldKernel)k);
            entries[k] = e.EmitExport(e._exports[k]);
        }

        e.EmitConstants();
        var code = e._asm.Finish();
        var table = new (string Name, int Offset, int Length)[e._symbols.Count];
        for (int k = 0; k < table.Length; k++)
        {
            int end = k + 1 < table.Length ? e._symbols[k + 1].Offset : e._constantsStart;
            table[k] = (e._symbols[k].Name, e._symbols[k].Offset, end - e._symbols[k].Offset);
        }

        return new GeneratedKernels(code, entries, table);
    }

    /// <summary>Starts a named routine at the next 16-byte boundary (for the profiler symbol table).</summary>
    private void Symbol(string name)
    {
        _asm.Align(16);
        _symbols.Add(("bls_" + name, _asm.Position));
    }

    /// <summary>
    /// An exported entry point: saves the registers System V asks a callee to keep, calls the internal routine
    /// (which takes its arguments in the same registers and clobbers everything else), restores them.
    /// </summary>
    private int EmitExport(Label routine)
    {
        _asm.Align(16);
        int entry = _asm.Position;
        Reg[] saved = [Reg.Rbx, Reg.Rbp, Reg.R12, Reg.R13, Reg.R14, Reg.R15];
        foreach (var r in saved)
        {
            _asm.Push(r);
        }

        _asm.Call(routine);
        for (int k = saved.Length - 1; k >= 0; k--)
        {
            _asm.Pop(saved[k]);
        }

        _asm.Ret();
        return entry;
    }

    // --- macros -------------------------------------------------------------------------------------------

    /// <summary>
    /// dst = a b / 2^384 mod p, fully reduced, for a, b below 2p. Six rows; row i adds a b_i to the seven-limb
    /// window, then m p with m = w0 (-p^-1) mod 2^64, which clears w0; the window then slides up one limb.
    /// </summary>
    private void MontMul(Mem dst, Mem a, Mem b)
    {
        var w = new LimbWindow();
        FirstProductRow(w, a, b);
        _asm.Zero(Reg.Rax);
        ReductionRow(w);
        for (int i = 1; i < 6; i++)
        {
            w.Slide();
            ProductRow(w, a, b.Offset(8 * i));
            ReductionRow(w);
        }

        // The result is w1..w6 (below 2p); subtract p once unless that borrows.
        w.Slide();
        ConditionalSubtractModulus(dst, [w[0], w[1], w[2], w[3], w[4], w[5]], [w[6], Reg.Rax, Reg.Rcx, Reg.Rdx, Reg.Rbp, Reg.R15]);
    }

    /// <summary>w0..w6 = a b_0 (one carry chain; the window's registers need no clearing first).</summary>
    private void FirstProductRow(LimbWindow w, Mem a, Mem b0)
    {
        _asm.Mov(Reg.Rdx, b0);
        _asm.Mulx(w[1], w[0], a);
        for (int k = 1; k < 6; k++)
        {
            _asm.Mulx(w[k + 1], RowLow, a.Offset(8 * k));
            if (k == 1)
            {
                _asm.Add(w[k], RowLow);
            }
            else
            {
                _asm.Adc(w[k], RowLow);
            }
        }

        _asm.AdcImm(w[6], 0);
    }

    /// <summary>w0..w6 += a b_i with w6 starting at zero: ADOX gathers the low halves, ADCX the high ones. rax = 0.</summary>
    private void ProductRow(LimbWindow w, Mem a, Mem bi)
    {
        _asm.Mov(Reg.Rdx, bi);
        _asm.Zero(w[6]);
        for (int k = 0; k < 6; k++)
        {
            _asm.Mulx(RowHigh, RowLow, a.Offset(8 * k));
            _asm.Adox(w[k], RowLow);
            _asm.Adcx(w[k + 1], RowHigh);
        }

        _asm.Adox(w[6], Reg.Rax);
    }

    /// <summary>
    /// w0..w6 += m p with m = w0 (-p^-1) mod 2^64, which clears w0; leaves rax = 0. With <paramref name="topIsNew"/>
    /// w6 starts at zero (Redc) and rax must already be zero; otherwise w6 holds the product row's top limb.
    /// </summary>
    private void ReductionRow(LimbWindow w, bool topIsNew = false)
    {
        _asm.Mov(Reg.Rdx, w[0]);
        _asm.Imul(Reg.Rdx, Mem.Rip(_inverse));
        _asm.Zero(topIsNew ? w[6] : Reg.Rax); // also clears CF and OF for the two chains
        for (int k = 0; k < 6; k++)
        {
            _asm.Mulx(RowHigh, RowLow, ModulusLimb(k));
            _asm.Adox(w[k], RowLow);
            _asm.Adcx(w[k + 1], RowHigh);
        }

        _asm.Adox(w[6], Reg.Rax);
    }

    /// <summary>dst = res - p when res &gt;= p, else res (res below 2p, in registers; tmp is scratch).</summary>
    private void ConditionalSubtractModulus(Mem dst, Reg[] res, Reg[] tmp)
    {
        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(tmp[k], res[k]);
        }

        _asm.Sub(tmp[0], ModulusLimb(0));
        for (int k = 1; k < 6; k++)
        {
            _asm.Sbb(tmp[k], ModulusLimb(k));
        }

        for (int k = 0; k < 6; k++)
        {
            _asm.Cmovc(tmp[k], res[k]);
            _asm.Mov(dst.Offset(8 * k), tmp[k]);
        }
    }

    /// <summary>dst = x + y mod p for x, y below p.</summary>
    private void AddMod(Mem dst, Mem x, Mem y)
    {
        AddIntoSix(x, y);
        ConditionalSubtractModulus(dst, Six, OtherSix);
    }

    /// <summary>dst = x + y without reduction (x + y must stay below 2^384; below 2p for MontMul inputs).</summary>
    private void AddPlain(Mem dst, Mem x, Mem y)
    {
        AddIntoSix(x, y);
        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(dst.Offset(8 * k), Six[k]);
        }
    }

    private void AddIntoSix(Mem x, Mem y)
    {
        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(Six[k], x.Offset(8 * k));
        }

        _asm.Add(Six[0], y);
        for (int k = 1; k < 6; k++)
        {
            _asm.Adc(Six[k], y.Offset(8 * k));
        }
    }

    /// <summary>dst = x - y mod p for x, y below p: p is added back, masked, when the subtraction borrows.</summary>
    private void SubMod(Mem dst, Mem x, Mem y)
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

        AddModulusOnBorrow(dst);
    }

    private void Copy(Mem dst, Mem src)
    {
        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(Six[k], src.Offset(8 * k));
        }

        for (int k = 0; k < 6; k++)
        {
            _asm.Mov(dst.Offset(8 * k), Six[k]);
        }
    }

    // --- frame and constants ------------------------------------------------------------------------------

    private static Mem Stack(int offset) => new(Reg.Rsp, offset);

    private Mem ModulusLimb(int k) => Mem.Rip(_modulus, 8 * k);

    private void EmitConstants()
    {
        _asm.Align(64);
        _constantsStart = _asm.Position;
        _asm.Bind(_modulus);
        foreach (ulong limb in (ReadOnlySpan<ulong>)[Fp.P0, Fp.P1, Fp.P2, Fp.P3, Fp.P4, Fp.P5])
        {
            _asm.Quad(limb);
        }

        _asm.Bind(_inverse);
        _asm.Quad(Fp.Inv);
        _asm.Align(64);
        _asm.Bind(_one);
        // One in Montgomery form, R mod p, computed from the limb constants rather than read from Fp's statics, so
        // that emitting the kernels never depends on the order in which the field types are initialised.
        var p = System.Numerics.BigInteger.Zero;
        foreach (ulong limb in (ReadOnlySpan<ulong>)[Fp.P5, Fp.P4, Fp.P3, Fp.P2, Fp.P1, Fp.P0])
        {
            p = (p << 64) | limb;
        }

        var montgomeryOne = System.Numerics.BigInteger.ModPow(2, 384, p);
        for (int k = 0; k < 6; k++)
        {
            _asm.Quad((ulong)((montgomeryOne >> (64 * k)) & ulong.MaxValue));
        }

    }
}
