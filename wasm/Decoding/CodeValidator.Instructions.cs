namespace Marketplace.Wasm.Decoding;

/// <summary>Per-instruction validation and decoding.</summary>
internal ref partial struct CodeValidator
{
    private void Step(byte op, ref Instr ins)
    {
        switch (op)
        {
            case 0x00:
                SetUnreachable();
                break;
            case 0x01:
                break;
            case 0x02:
            case 0x03:
                {
                    var bt = ReadBlockType();
                    PopAll(bt.ParamArray);
                    ins.A = body.BlockTypes.Count;
                    body.BlockTypes.Add(bt);
                    PushFrame(op, bt);
                    break;
                }

            case 0x04:
                {
                    var bt = ReadBlockType();
                    Pop(ValueKind.Int32);
                    PopAll(bt.ParamArray);
                    ins.A = body.BlockTypes.Count;
                    body.BlockTypes.Add(bt);
                    PushFrame(op, bt);
                    break;
                }

            case 0x05:
                {
                    if (frames[^1].Opcode != 0x04)
                    {
                        throw Invalid("else without matching if");
                    }

                    var f = PopFrame();
                    PushFrame(0x05, f.Type);
                    break;
                }

            case 0x0B:
                {
                    var f = PopFrame();
                    if (f.Opcode == 0x04 && !f.Type.ParamArray.AsSpan().SequenceEqual(f.Type.ResultArray))
                    {
                        throw Invalid("type mismatch: if without else must have matching parameter and result types");
                    }

                    PushAll(f.Type.ResultArray);
                    break;
                }

            case 0x0C:
                {
                    ins.A = r.ReadIndex();
                    PopAll(LabelTypes(Label(ins.A)));
                    SetUnreachable();
                    break;
                }

            case 0x0D:
                {
                    ins.A = r.ReadIndex();
                    Pop(ValueKind.Int32);
                    var types = LabelTypes(Label(ins.A));
                    PopAll(types);
                    PushAll(types);
                    break;
                }

            case 0x0E:
                {
                    var n = r.ReadU32();
                    if (n > 1_000_000)
                    {
                        throw Invalid("br_table too large");
                    }

                    var targets = new int[n + 1];
                    for (var i = 0; i <= n; i++)
                    {
                        targets[i] = r.ReadIndex();
                    }

                    Pop(ValueKind.Int32);
                    var arity = LabelTypes(Label(targets[n])).Length;
                    foreach (var t in targets)
                    {
                        var types = LabelTypes(Label(t));
                        if (types.Length != arity)
                        {
                            throw Invalid("type mismatch: br_table targets have different arity");
                        }

                        // Check each target against the current stack without consuming it.
                        var popped = new ValueKind[types.Length];
                        for (var i = types.Length - 1; i >= 0; i--)
                        {
                            popped[i] = Pop(types[i]);
                        }

                        PushAll(popped);
                    }

                    PopAll(LabelTypes(Label(targets[n])));
                    ins.A = body.BrTables.Count;
                    body.BrTables.Add(targets);
                    SetUnreachable();
                    break;
                }

            case 0x0F:
                PopAll(frames[0].Type.ResultArray);
                SetUnreachable();
                break;
            case 0x10:
                {
                    ins.A = r.ReadIndex();
                    if (ins.A >= m.FunctionTypes.Count)
                    {
                        throw Invalid($"unknown function {ins.A}");
                    }

                    var t = m.Types[m.FunctionTypes[ins.A]];
                    PopAll(t.ParamArray);
                    PushAll(t.ResultArray);
                    break;
                }

            case 0x11:
                {
                    ins.A = r.ReadIndex();
                    ins.B = r.ReadIndex();
                    if (ins.A >= m.Types.Count)
                    {
                        throw Invalid($"unknown type {ins.A}");
                    }

                    if (Table(ins.B).ElementKind != ValueKind.FuncRef)
                    {
                        throw Invalid("type mismatch: call_indirect on a table of externref");
                    }

                    Pop(ValueKind.Int32);
                    var t = m.Types[ins.A];
                    PopAll(t.ParamArray);
                    PushAll(t.ResultArray);
                    break;
                }

            case 0x1A:
                Pop();
                break;
            case 0x1B:
                {
                    Pop(ValueKind.Int32);
                    var t1 = Pop();
                    var t2 = Pop();
                    if (t1 is ValueKind.FuncRef or ValueKind.ExternRef || t2 is ValueKind.FuncRef or ValueKind.ExternRef)
                    {
                        throw Invalid("type mismatch: untyped select on reference types");
                    }

                    if (t1 != t2 && t1 != Unknown && t2 != Unknown)
                    {
                        throw Invalid("type mismatch in select");
                    }

                    Push(t1 == Unknown ? t2 : t1);
                    break;
                }

            case 0x1C:
                {
                    var n = r.ReadU32();
                    if (n != 1)
                    {
                        throw Invalid("invalid result arity for typed select");
                    }

                    var t = r.ReadValueType();
                    ins.Op = 0x1B;
                    ins.A = (int)t;
                    Pop(ValueKind.Int32);
                    Pop(t);
                    Pop(t);
                    Push(t);
                    break;
                }

            case 0x20:
                ins.A = r.ReadIndex();
                Push(Local(ins.A));
                break;
            case 0x21:
                ins.A = r.ReadIndex();
                Pop(Local(ins.A));
                break;
            case 0x22:
                {
                    ins.A = r.ReadIndex();
                    var t = Local(ins.A);
                    Pop(t);
                    Push(t);
                    break;
                }

            case 0x23:
                ins.A = r.ReadIndex();
                Push(Global(ins.A).Kind);
                break;
            case 0x24:
                {
                    ins.A = r.ReadIndex();
                    var g = Global(ins.A);
                    if (!g.Mutable)
                    {
                        throw Invalid("global is immutable");
                    }

                    Pop(g.Kind);
                    break;
                }

            case 0x25:
                ins.A = r.ReadIndex();
                Pop(ValueKind.Int32);
                Push(Table(ins.A).ElementKind);
                break;
            case 0x26:
                ins.A = r.ReadIndex();
                Pop(Table(ins.A).ElementKind);
                Pop(ValueKind.Int32);
                break;
            case >= 0x28 and <= 0x35:
                {
                    var (natural, result) = LoadShape(op);
                    ins.C = MemArg(natural);
                    Pop(ValueKind.Int32);
                    Push(result);
                    break;
                }

            case >= 0x36 and <= 0x3E:
                {
                    var (natural, value) = StoreShape(op);
                    ins.C = MemArg(natural);
                    Pop(value);
                    Pop(ValueKind.Int32);
                    break;
                }

            case 0x3F:
                ZeroByte();
                RequireMemory();
                Push(ValueKind.Int32);
                break;
            case 0x40:
                ZeroByte();
                RequireMemory();
                Pop(ValueKind.Int32);
                Push(ValueKind.Int32);
                break;
            case 0x41:
                ins.C = r.ReadS32();
                Push(ValueKind.Int32);
                break;
            case 0x42:
                ins.C = r.ReadS64();
                Push(ValueKind.Int64);
                break;
            case 0x43:
                ins.C = r.ReadF32Bits();
                Push(ValueKind.Float32);
                break;
            case 0x44:
                ins.C = (long)r.ReadF64Bits();
                Push(ValueKind.Float64);
                break;
            case >= 0x45 and <= 0xC4:
                {
                    var (a, b, res) = NumericShape(op);
                    if (b != 0)
                    {
                        Pop(b);
                    }

                    Pop(a);
                    Push(res);
                    break;
                }

            case 0xD0:
                {
                    var t = r.ReadRefType();
                    ins.A = (int)t;
                    Push(t);
                    break;
                }

            case 0xD1:
                {
                    var t = Pop();
                    if (t != Unknown && t != ValueKind.FuncRef && t != ValueKind.ExternRef)
                    {
                        throw Invalid("type mismatch: ref.is_null needs a reference");
                    }

                    Push(ValueKind.Int32);
                    break;
                }

            case 0xD2:
                {
                    ins.A = r.ReadIndex();
                    if (ins.A >= m.FunctionTypes.Count)
                    {
                        throw Invalid($"unknown function {ins.A}");
                    }

                    if (!m.DeclaredRefs.Contains(ins.A))
                    {
                        throw Invalid("undeclared function reference");
                    }

                    Push(ValueKind.FuncRef);
                    break;
                }

            case 0xFC:
                StepPrefixed(ref ins);
                break;
            default:
                throw Invalid($"illegal opcode 0x{op:x2}");
        }
    }

    private void StepPrefixed(ref Instr ins)
    {
        var sub = r.ReadU32();
        if (sub > 17)
        {
            throw Invalid($"illegal opcode 0xfc {sub}");
        }

        ins.Op = (ushort)(0x100 + sub);
        switch (sub)
        {
            case <= 7:
                {
                    var from = (sub & 2) == 0 ? ValueKind.Float32 : ValueKind.Float64;
                    var to = sub < 4 ? ValueKind.Int32 : ValueKind.Int64;
                    Pop(from);
                    Push(to);
                    break;
                }

            case 8:
                ins.A = r.ReadIndex();
                ZeroByte();
                RequireMemory();
                RequireDataCount(ins.A);
                Pop(ValueKind.Int32);
                Pop(ValueKind.Int32);
                Pop(ValueKind.Int32);
                break;
            case 9:
                ins.A = r.ReadIndex();
                RequireDataCount(ins.A);
                break;
            case 10:
                ZeroByte();
                ZeroByte();
                RequireMemory();
                Pop(ValueKind.Int32);
                Pop(ValueKind.Int32);
                Pop(ValueKind.Int32);
                break;
            case 11:
                ZeroByte();
                RequireMemory();
                Pop(ValueKind.Int32);
                Pop(ValueKind.Int32);
                Pop(ValueKind.Int32);
                break;
            case 12:
                {
                    ins.A = r.ReadIndex();
                    ins.B = r.ReadIndex();
                    var t = Table(ins.B);
                    if (ins.A >= m.Elements.Count)
                    {
                        throw Invalid($"unknown elem segment {ins.A}");
                    }

                    if (m.Elements[ins.A].Kind != t.ElementKind)
                    {
                        throw Invalid("type mismatch: table.init element type");
                    }

                    Pop(ValueKind.Int32);
                    Pop(ValueKind.Int32);
                    Pop(ValueKind.Int32);
                    break;
                }

            case 13:
                ins.A = r.ReadIndex();
                if (ins.A >= m.Elements.Count)
                {
                    throw Invalid($"unknown elem segment {ins.A}");
                }

                break;
            case 14:
                {
                    ins.A = r.ReadIndex();
                    ins.B = r.ReadIndex();
                    if (Table(ins.A).ElementKind != Table(ins.B).ElementKind)
                    {
                        throw Invalid("type mismatch: table.copy between different element types");
                    }

                    Pop(ValueKind.Int32);
                    Pop(ValueKind.Int32);
                    Pop(ValueKind.Int32);
                    break;
                }

            case 15:
                ins.A = r.ReadIndex();
                Pop(ValueKind.Int32);
                Pop(Table(ins.A).ElementKind);
                Push(ValueKind.Int32);
                break;
            case 16:
                ins.A = r.ReadIndex();
                Table(ins.A);
                Push(ValueKind.Int32);
                break;
            case 17:
                ins.A = r.ReadIndex();
                Pop(ValueKind.Int32);
                Pop(Table(ins.A).ElementKind);
                Pop(ValueKind.Int32);
                break;
        }
    }

    private void RequireDataCount(int index)
    {
        if (m.DataCount is not { } count)
        {
            throw Invalid("data count section required");
        }

        if (index >= count)
        {
            throw Invalid($"unknown data segment {index}");
        }
    }

    internal static (int Natural, ValueKind Result) LoadShape(int op) => op switch
    {
        0x28 => (2, ValueKind.Int32),
        0x29 => (3, ValueKind.Int64),
        0x2A => (2, ValueKind.Float32),
        0x2B => (3, ValueKind.Float64),
        0x2C or 0x2D => (0, ValueKind.Int32),
        0x2E or 0x2F => (1, ValueKind.Int32),
        0x30 or 0x31 => (0, ValueKind.Int64),
        0x32 or 0x33 => (1, ValueKind.Int64),
        _ => (2, ValueKind.Int64),
    };

    internal static (int Natural, ValueKind Value) StoreShape(int op) => op switch
    {
        0x36 => (2, ValueKind.Int32),
        0x37 => (3, ValueKind.Int64),
        0x38 => (2, ValueKind.Float32),
        0x39 => (3, ValueKind.Float64),
        0x3A => (0, ValueKind.Int32),
        0x3B => (1, ValueKind.Int32),
        0x3C => (0, ValueKind.Int64),
        0x3D => (1, ValueKind.Int64),
        _ => (2, ValueKind.Int64),
    };

    /// <summary>Operand types (first, second or 0 for unary) and result of the numeric opcodes 0x45..0xC4.</summary>
    internal static (ValueKind A, ValueKind B, ValueKind Result) NumericShape(int op)
    {
        const ValueKind I = ValueKind.Int32, L = ValueKind.Int64, F = ValueKind.Float32, D = ValueKind.Float64, N = 0;
        return op switch
        {
            0x45 => (I, N, I),
            <= 0x4F => (I, I, I),
            0x50 => (L, N, I),
            <= 0x5A => (L, L, I),
            <= 0x60 => (F, F, I),
            <= 0x66 => (D, D, I),
            <= 0x69 => (I, N, I),
            <= 0x78 => (I, I, I),
            <= 0x7B => (L, N, L),
            <= 0x8A => (L, L, L),
            <= 0x91 => (F, N, F),
            <= 0x98 => (F, F, F),
            <= 0x9F => (D, N, D),
            <= 0xA6 => (D, D, D),
            0xA7 => (L, N, I),
            0xA8 or 0xA9 => (F, N, I),
            0xAA or 0xAB => (D, N, I),
            0xAC or 0xAD => (I, N, L),
            0xAE or 0xAF => (F, N, L),
            0xB0 or 0xB1 => (D, N, L),
            0xB2 or 0xB3 => (I, N, F),
            0xB4 or 0xB5 => (L, N, F),
            0xB6 => (D, N, F),
            0xB7 or 0xB8 => (I, N, D),
            0xB9 or 0xBA => (L, N, D),
            0xBB => (F, N, D),
            0xBC => (F, N, I),
            0xBD => (D, N, L),
            0xBE => (I, N, F),
            0xBF => (L, N, D),
            0xC0 or 0xC1 => (I, N, I),
            _ => (L, N, L),
        };
    }
}
