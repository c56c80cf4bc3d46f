namespace Marketplace.Wasm.Decoding;

/// <summary>Constant expressions, element and data segments, function bodies.</summary>
internal static partial class ModuleDecoder
{
    /// <summary>Reads and validates a constant expression of the expected type.</summary>
    private static ConstExpr ReadConstExpr(ref WasmReader r, ModuleInfo m, ValueKind expected, int visibleGlobals)
    {
        var opPos = r.Position;
        var op = r.ReadByte();
        ConstExpr expr;
        ValueKind kind;
        switch (op)
        {
            case 0x41:
                expr = new ConstExpr(op, r.ReadS32());
                kind = ValueKind.Int32;
                break;
            case 0x42:
                expr = new ConstExpr(op, r.ReadS64());
                kind = ValueKind.Int64;
                break;
            case 0x43:
                expr = new ConstExpr(op, r.ReadF32Bits());
                kind = ValueKind.Float32;
                break;
            case 0x44:
                expr = new ConstExpr(op, (long)r.ReadF64Bits());
                kind = ValueKind.Float64;
                break;
            case 0xD0:
                kind = r.ReadRefType();
                expr = new ConstExpr(op, (long)kind);
                break;
            case 0xD2:
                {
                    var f = r.ReadIndex();
                    if (f >= m.FunctionTypes.Count)
                    {
                        throw r.Error($"unknown function {f}");
                    }

                    m.DeclaredRefs.Add(f);
                    expr = new ConstExpr(op, f);
                    kind = ValueKind.FuncRef;
                    break;
                }

            case 0x23:
                {
                    var g = r.ReadIndex();
                    if (g >= visibleGlobals || g >= m.ImportedGlobals)
                    {
                        throw r.Error($"unknown global {g} in constant expression");
                    }

                    if (m.GlobalTypes[g].Mutable)
                    {
                        throw r.Error("constant expression required (mutable global)");
                    }

                    kind = m.GlobalTypes[g].Kind;
                    expr = new ConstExpr(op, g);
                    break;
                }

            default:
                throw r.ErrorAt(opPos, "constant expression required");
        }

        var endPos = r.Position;
        var end = r.ReadByte();
        if (end != 0x0B)
        {
            throw r.ErrorAt(endPos, "constant expression required (or type mismatch)");
        }

        if (kind != expected)
        {
            throw r.ErrorAt(opPos, "type mismatch in constant expression");
        }

        return expr;
    }

    private static void ReadElements(ref WasmReader r, ModuleInfo m)
    {
        var n = r.ReadU32();
        for (uint i = 0; i < n; i++)
        {
            var flagPos = r.Position;
            var flags = r.ReadU32();
            if (flags > 7)
            {
                throw r.ErrorAt(flagPos, "malformed elements segment kind");
            }

            var mode = (flags & 1) == 0 ? SegmentMode.Active : (flags & 2) == 0 ? SegmentMode.Passive : SegmentMode.Declarative;
            var table = 0;
            ConstExpr? offset = null;
            if (mode == SegmentMode.Active)
            {
                if ((flags & 2) != 0)
                {
                    table = r.ReadIndex();
                }

                if (table >= m.Tables.Count)
                {
                    throw r.Error($"unknown table {table}");
                }

                offset = ReadConstExpr(ref r, m, ValueKind.Int32, m.GlobalTypes.Count);
            }

            var kind = ValueKind.FuncRef;
            var usesExprs = (flags & 4) != 0;
            if ((flags & 3) != 0)
            {
                if (usesExprs)
                {
                    kind = r.ReadRefType();
                }
                else
                {
                    var ek = r.ReadByte();
                    if (ek != 0)
                    {
                        throw r.ErrorAt(r.Position - 1, "malformed element kind");
                    }
                }
            }

            var count = r.ReadU32();
            var items = new List<ConstExpr>();
            for (uint j = 0; j < count; j++)
            {
                if (usesExprs)
                {
                    items.Add(ReadConstExpr(ref r, m, kind, m.GlobalTypes.Count));
                }
                else
                {
                    var f = r.ReadIndex();
                    if (f >= m.FunctionTypes.Count)
                    {
                        throw r.Error($"unknown function {f}");
                    }

                    m.DeclaredRefs.Add(f);
                    items.Add(new ConstExpr(0xD2, f));
                }
            }

            if (mode == SegmentMode.Active && m.Tables[table].ElementKind != kind)
            {
                throw r.Error("type mismatch: element segment type differs from table type");
            }

            m.Elements.Add(new ElementInfo { Mode = mode, Table = table, Offset = offset, Kind = kind, Items = items.ToArray() });
        }
    }

    private static DataInfo ReadData(ref WasmReader r, ModuleInfo m)
    {
        var flagPos = r.Position;
        var flags = r.ReadU32();
        if (flags > 2)
        {
            throw r.ErrorAt(flagPos, "malformed data segment kind");
        }

        ConstExpr? offset = null;
        if (flags != 1)
        {
            var mem = flags == 2 ? r.ReadIndex() : 0;
            if (mem >= m.Memories.Count)
            {
                throw r.Error($"unknown memory {mem}");
            }

            offset = ReadConstExpr(ref r, m, ValueKind.Int32, m.GlobalTypes.Count);
        }

        var len = r.ReadU32();
        var bytes = r.ReadBytes(len > int.MaxValue ? -1 : (int)len).ToArray();
        return new DataInfo { Mode = flags == 1 ? SegmentMode.Passive : SegmentMode.Active, Offset = offset, Bytes = bytes };
    }

    private static FunctionBody ReadBody(ref WasmReader r, ModuleInfo m)
    {
        var start = r.Position;
        var groups = r.ReadU32();
        var locals = new List<ValueKind>();
        ulong total = 0;
        for (uint i = 0; i < groups; i++)
        {
            var count = r.ReadU32();
            total += count;
            if (total > uint.MaxValue)
            {
                throw r.Error("too many locals");
            }

            var kind = r.ReadValueType();
            if (total > MaxFunctionLocals)
            {
                throw r.Error($"too many locals (this engine accepts at most {MaxFunctionLocals})");
            }

            for (uint j = 0; j < count; j++)
            {
                locals.Add(kind);
            }
        }

        var body = new FunctionBody { Locals = locals.ToArray(), Offset = r.Position, End = r.Length, Code = Array.Empty<Instr>() };
        _ = start;
        return body;
    }
}
