// Design note: a minimal x86-64 encoder for the field kernels (FieldKernelEmitter). It knows only the instructions
// those kernels use: 64-bit integer moves and arithmetic (ADD/ADC/SUB/SBB/AND, TEST, CMP), the BMI2/ADX carry-chain
// instructions (MULX, ADCX, ADOX), IMUL, CMOVC, LEA, PUSH/POP, CALL/RET, JZ/JNZ and data for RIP-relative constants.
// Memory operands are [base + disp] or [rip + label]; there is no index register. Every encoding follows the
// Intel SDM (REX.W for 64-bit operands, SIB byte for rsp/r12 bases, explicit displacement for rbp/r13 bases,
// three-byte VEX for MULX), and tests compare them byte for byte with a reference assembler's output.
namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>Appends encoded x86-64 instructions to a growing buffer; labels are resolved by <see cref="Finish"/>.</summary>
internal sealed class X64Assembler
{
    private readonly List<byte> _code = new(16384);
    private readonly List<int> _labelPositions = [];
    private readonly List<(int Position, Label Target, int Addend)> _fixups = [];

    /// <summary>Current offset from the start of the code.</summary>
    public int Position => _code.Count;

    /// <summary>A new, unbound label.</summary>
    public Label NewLabel()
    {
        _labelPositions.Add(-1);
        return new Label(_labelPositions.Count - 1);
    }

    /// <summary>Binds <paramref name="label"/> to the current position; a label is bound once.</summary>
    public void Bind(Label label)
    {
        if (_labelPositions[label.Id] >= 0)
        {
            throw new InvalidOperationException($"label {label.Id} bound twice");
        }

        _labelPositions[label.Id] = _code.Count;
    }

    /// <summary>The offset a bound label stands for.</summary>
    private int PositionOf(Label label) => _labelPositions[label.Id] >= 0
        ? _labelPositions[label.Id]
        : throw new InvalidOperationException($"label {label.Id} never bound");

    /// <summary>Resolves every label reference and returns the machine code.</summary>
    public byte[] Finish()
    {
        var bytes = _code.ToArray();
        foreach (var (position, target, addend) in _fixups)
        {
            // rel32 fields are relative to the end of the instruction; every fixed-up field here is the last four
            // bytes of its instruction (this encoder never follows a RIP-relative operand with an immediate).
            int rel = PositionOf(target) + addend - (position + 4);
            BitConverter.TryWriteBytes(bytes.AsSpan(position, 4), rel);
        }

        return bytes;
    }

    // --- data ---------------------------------------------------------------------------------------------

    /// <summary>Pads with <paramref name="fill"/> (int3 by default) up to a multiple of <paramref name="boundary"/>.</summary>
    public void Align(int boundary, byte fill = 0xCC)
    {
        while (_code.Count % boundary != 0)
        {
            _code.Add(fill);
        }
    }

    /// <summary>Appends a little-endian 64-bit constant.</summary>
    public void Quad(ulong value)
    {
        for (int i = 0; i < 8; i++)
        {
            _code.Add((byte)(value >> (8 * i)));
        }
    }

    // --- moves --------------------------------------------------------------------------------------------

    /// <summary>mov dst, src.</summary>
    public void Mov(Reg dst, Reg src) => RegReg(0x89, src, dst);

    /// <summary>mov dst, qword [src].</summary>
    public void Mov(Reg dst, Mem src) => RegMem([], true, [0x8B], dst, src);

    /// <summary>mov qword [dst], src.</summary>
    public void Mov(Mem dst, Reg src) => RegMem([], true, [0x89], src, dst);

    /// <summary>lea dst, [src].</summary>
    public void Lea(Reg dst, Mem src) => RegMem([], true, [0x8D], dst, src);

    /// <summary>xor dst32, dst32: zeroes the register and clears CF and OF.</summary>
    public void Zero(Reg reg)
    {
        int r = (int)reg;
        if (r >= 8)
        {
            _code.Add((byte)(0x40 | 0x04 | 0x01));
        }

        _code.Add(0x31);
        _code.Add((byte)(0xC0 | ((r & 7) << 3) | (r & 7)));
    }

    // --- integer arithmetic -------------------------------------------------------------------------------

    /// <summary>add dst, src.</summary>
    public void Add(Reg dst, Reg src) => RegReg(0x01, src, dst);

    /// <summary>add dst, qword [src].</summary>
    public void Add(Reg dst, Mem src) => RegMem([], true, [0x03], dst, src);

    /// <summary>adc dst, src.</summary>
    public void Adc(Reg dst, Reg src) => RegReg(0x11, src, dst);

    /// <summary>adc dst, qword [src].</summary>
    public void Adc(Reg dst, Mem src) => RegMem([], true, [0x13], dst, src);

    /// <summary>sub dst, src.</summary>
    public void Sub(Reg dst, Reg src) => RegReg(0x29, src, dst);

    /// <summary>sub dst, qword [src].</summary>
    public void Sub(Reg dst, Mem src) => RegMem([], true, [0x2B], dst, src);

    /// <summary>sbb dst, src.</summary>
    public void Sbb(Reg dst, Reg src) => RegReg(0x19, src, dst);

    /// <summary>sbb dst, qword [src].</summary>
    public void Sbb(Reg dst, Mem src) => RegMem([], true, [0x1B], dst, src);

    /// <summary>and dst, src (clears CF and OF).</summary>
    public void And(Reg dst, Reg src) => RegReg(0x21, src, dst);

    /// <summary>and dst, qword [src] (clears CF and OF).</summary>
    public void And(Reg dst, Mem src) => RegMem([], true, [0x23], dst, src);

    /// <summary>add dst, imm8 (sign-extended).</summary>
    public void AddImm(Reg dst, sbyte value) => GroupImm8(0, dst, value);

    /// <summary>adc dst, imm8 (sign-extended).</summary>
    public void AdcImm(Reg dst, sbyte value) => GroupImm8(2, dst, value);

    /// <summary>sub dst, imm32 (sign-extended).</summary>
    public void SubImm32(Reg dst, int value) => GroupImm32(5, dst, value);

    /// <summary>add dst, imm32 (sign-extended).</summary>
    public void AddImm32(Reg dst, int value) => GroupImm32(0, dst, value);

    /// <summary>imul dst, qword [src] (low 64 bits of the product).</summary>
    public void Imul(Reg dst, Mem src) => RegMem([], true, [0x0F, 0xAF], dst, src);

    /// <summary>imul dst, src (low 64 bits of the product).</summary>
    public void Imul(Reg dst, Reg src)
    {
        _code.Add(Rex(true, (int)dst, (int)src));
        _code.Add(0x0F);
        _code.Add(0xAF);
        _code.Add(ModRmReg((int)dst, (int)src));
    }

    /// <summary>adcx dst, src: dst += src + CF, touching only CF.</summary>
    public void Adcx(Reg dst, Reg src) => AdxRegReg(0x66, dst, src);

    /// <summary>adox dst, src: dst += src + OF, touching only OF.</summary>
    public void Adox(Reg dst, Reg src) => AdxRegReg(0xF3, dst, src);

    /// <summary>adcx dst, qword [src].</summary>
    public void Adcx(Reg dst, Mem src) => RegMem([0x66], true, [0x0F, 0x38, 0xF6], dst, src);

    /// <summary>adox dst, qword [src].</summary>
    public void Adox(Reg dst, Mem src) => RegMem([0xF3], true, [0x0F, 0x38, 0xF6], dst, src);

    /// <summary>mulx hi, lo, src: hi:lo = rdx * src, flags untouched.</summary>
    public void Mulx(Reg hi, Reg lo, Reg src)
    {
        Vex3(hi, lo, (int)src);
        _code.Add(ModRmReg((int)hi, (int)src));
    }

    /// <summary>mulx hi, lo, qword [src].</summary>
    public void Mulx(Reg hi, Reg lo, Mem src)
    {
        Vex3(hi, lo, src.RipLabel is null ? (int)src.Base : 0);
        ModRmMem((int)hi, src);
    }

    /// <summary>cmovc dst, src: dst = src when CF is set.</summary>
    public void Cmovc(Reg dst, Reg src) => Cmov(0x42, dst, src);


    /// <summary>test a, b (sets ZF when a &amp; b == 0).</summary>
    public void Test(Reg a, Reg b) => RegReg(0x85, b, a);

    /// <summary>cmp dst, imm8 (sign-extended).</summary>
    public void CmpImm(Reg dst, sbyte value) => GroupImm8(7, dst, value);

    // --- control ------------------------------------------------------------------------------------------

    /// <summary>jz rel32 to a label.</summary>
    public void Jz(Label target) => Jcc(0x84, target);

    /// <summary>jnz rel32 to a label.</summary>
    public void Jnz(Label target) => Jcc(0x85, target);

    private void Jcc(byte condition, Label target)
    {
        _code.Add(0x0F);
        _code.Add(condition);
        _fixups.Add((_code.Count, target, 0));
        _code.AddRange([0, 0, 0, 0]);
    }

    /// <summary>push reg.</summary>
    public void Push(Reg reg)
    {
        if ((int)reg >= 8)
        {
            _code.Add(0x41);
        }

        _code.Add((byte)(0x50 + ((int)reg & 7)));
    }

    /// <summary>pop reg.</summary>
    public void Pop(Reg reg)
    {
        if ((int)reg >= 8)
        {
            _code.Add(0x41);
        }

        _code.Add((byte)(0x58 + ((int)reg & 7)));
    }

    /// <summary>ret.</summary>
    public void Ret() => _code.Add(0xC3);

    /// <summary>call rel32 to a label in this code.</summary>
    public void Call(Label target)
    {
        _code.Add(0xE8);
        _fixups.Add((_code.Count, target, 0));
        _code.AddRange([0, 0, 0, 0]);
    }

    // --- encoding -----------------------------------------------------------------------------------------

    private static byte Rex(bool w, int reg, int rm) =>
        (byte)(0x40 | (w ? 0x08 : 0) | ((reg >> 3) << 2) | (rm >> 3));

    private static byte ModRmReg(int reg, int rm) => (byte)(0xC0 | ((reg & 7) << 3) | (rm & 7));

    /// <summary>opcode with ModRM "r/m64, r64" in register form: rm = dst, reg = src.</summary>
    private void RegReg(byte opcode, Reg src, Reg dst)
    {
        _code.Add(Rex(true, (int)src, (int)dst));
        _code.Add(opcode);
        _code.Add(ModRmReg((int)src, (int)dst));
    }

    private void Cmov(byte op, Reg dst, Reg src)
    {
        _code.Add(Rex(true, (int)dst, (int)src));
        _code.Add(0x0F);
        _code.Add(op);
        _code.Add(ModRmReg((int)dst, (int)src));
    }

    private void AdxRegReg(byte prefix, Reg dst, Reg src)
    {
        _code.Add(prefix);
        _code.Add(Rex(true, (int)dst, (int)src));
        _code.AddRange([0x0F, 0x38, 0xF6]);
        _code.Add(ModRmReg((int)dst, (int)src));
    }

    private void GroupImm8(int ext, Reg dst, sbyte value)
    {
        _code.Add(Rex(true, 0, (int)dst));
        _code.Add(0x83);
        _code.Add(ModRmReg(ext, (int)dst));
        _code.Add((byte)value);
    }

    private void GroupImm32(int ext, Reg dst, int value)
    {
        _code.Add(Rex(true, 0, (int)dst));
        _code.Add(0x81);
        _code.Add(ModRmReg(ext, (int)dst));
        for (int i = 0; i < 4; i++)
        {
            _code.Add((byte)(value >> (8 * i)));
        }
    }

    /// <summary>Legacy prefixes, REX, opcode bytes, then ModRM (+SIB, displacement) for a memory operand.</summary>
    private void RegMem(ReadOnlySpan<byte> prefixes, bool w, ReadOnlySpan<byte> opcode, Reg reg, Mem mem)
    {
        foreach (byte p in prefixes)
        {
            _code.Add(p);
        }

        int rmBase = mem.RipLabel is null ? (int)mem.Base : 0;
        byte rex = Rex(w, (int)reg, rmBase);
        if (rex != 0x40)
        {
            _code.Add(rex);
        }

        foreach (byte o in opcode)
        {
            _code.Add(o);
        }

        ModRmMem((int)reg, mem);
    }

    private void ModRmMem(int reg, Mem mem)
    {
        if (mem.RipLabel is { } label)
        {
            _code.Add((byte)(((reg & 7) << 3) | 0x05));
            _fixups.Add((_code.Count, label, mem.Disp));
            _code.AddRange([0, 0, 0, 0]);
            return;
        }

        int b = (int)mem.Base & 7;
        int disp = mem.Disp;
        int mod = disp == 0 && b != 5 ? 0 : disp is >= -128 and <= 127 ? 1 : 2;
        _code.Add((byte)((mod << 6) | ((reg & 7) << 3) | b));
        if (b == 4)
        {
            _code.Add(0x24); // SIB: no index, base = rsp/r12
        }

        if (mod == 1)
        {
            _code.Add((byte)(sbyte)disp);
        }
        else if (mod == 2)
        {
            for (int i = 0; i < 4; i++)
            {
                _code.Add((byte)(disp >> (8 * i)));
            }
        }
    }

    /// <summary>Three-byte VEX prefix and opcode of MULX (VEX.LZ.F2.0F38.W1 F6 /r), vvvv = lo.</summary>
    private void Vex3(Reg hi, Reg lo, int rmBase)
    {
        _code.Add(0xC4);
        int r = ((int)hi >> 3) ^ 1, b = (rmBase >> 3) ^ 1;
        _code.Add((byte)((r << 7) | (1 << 6) | (b << 5) | 0x02)); // R X B (inverted), map 0F38
        _code.Add((byte)(0x80 | ((~(int)lo & 15) << 3) | 0x03));  // W=1, vvvv = ~lo, L=0, pp = F2
        _code.Add(0xF6);
    }
}
