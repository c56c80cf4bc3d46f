// Design note: decoding and module-level validation happen in one pass over the sections; function bodies are
// decoded and type-checked by CodeValidator into Instr arrays that the compiler consumes. Every rejection is a
// WasmValidationException naming the section and byte offset; nothing is compiled before the whole module passed.
namespace Marketplace.Wasm.Decoding;

internal static partial class ModuleDecoder
{
    private const int MaxFunctionLocals = 30_000;

    /// <summary>Implementation limit on one function body (the same as V8's), keeping JIT time per function bounded.</summary>
    private const int MaxFunctionBytes = 7_654_321;

    private static readonly string[] SectionNames =
        { "custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount" };

    // Order of the known sections (datacount sits between element and code).
    private static int OrderOf(byte id) => id switch
    {
        12 => 10,
        10 => 11,
        11 => 12,
        _ => id,
    };

    public static ModuleInfo Decode(ReadOnlySpan<byte> bytes)
    {
        var m = new ModuleInfo();
        var r = new WasmReader(bytes, 0, "header");
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0x61 || bytes[2] != 0x73 || bytes[3] != 0x6D)
        {
            throw r.Error("magic header not detected");
        }

        if (bytes.Length < 8 || bytes[4] != 1 || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0)
        {
            throw r.ErrorAt(4, "unknown binary version");
        }

        r.Position = 8;
        var lastOrder = 0;
        int? functionCount = null;
        var codeSeen = false;
        while (!r.AtEnd)
        {
            r.Section = "header";
            var idPos = r.Position;
            var id = r.ReadByte();
            if (id > 12)
            {
                throw r.ErrorAt(idPos, $"malformed section id {id}");
            }

            var size = r.ReadU32();
            var start = r.Position;
            if (size > (uint)(bytes.Length - start))
            {
                throw r.Error("section size mismatch: unexpected end");
            }

            var end = start + (int)size;
            var sr = new WasmReader(bytes[..end], start, SectionNames[id]);
            if (id != 0)
            {
                var order = OrderOf(id);
                if (order <= lastOrder)
                {
                    throw r.ErrorAt(idPos, "unexpected content after last section (section out of order or duplicate)");
                }

                lastOrder = order;
            }

            switch (id)
            {
                case 0:
                    sr.ReadName();
                    sr.Position = end;
                    break;
                case 1:
                    ReadTypes(ref sr, m);
                    break;
                case 2:
                    ReadImports(ref sr, m);
                    break;
                case 3:
                    {
                        var n = sr.ReadU32();
                        for (uint i = 0; i < n; i++)
                        {
                            var t = sr.ReadIndex();
                            if (t >= m.Types.Count)
                            {
                                throw sr.Error($"unknown type {t}");
                            }

                            m.FunctionTypes.Add(t);
                        }

                        functionCount = (int)n;
                        break;
                    }

                case 4:
                    {
                        var n = sr.ReadU32();
                        for (uint i = 0; i < n; i++)
                        {
                            m.Tables.Add(ReadTableType(ref sr));
                        }

                        break;
                    }

                case 5:
                    {
                        var n = sr.ReadU32();
                        for (uint i = 0; i < n; i++)
                        {
                            m.Memories.Add(ReadMemoryType(ref sr));
                        }

                        if (m.Memories.Count > 1)
                        {
                            throw sr.Error("multiple memories");
                        }

                        break;
                    }

                case 6:
                    {
                        var n = sr.ReadU32();
                        for (uint i = 0; i < n; i++)
                        {
                            var gt = ReadGlobalType(ref sr);
                            var init = ReadConstExpr(ref sr, m, gt.Kind, m.GlobalTypes.Count);
                            m.GlobalTypes.Add(gt);
                            m.Globals.Add(new GlobalInfo(gt, init));
                        }

                        break;
                    }

                case 7:
                    ReadExports(ref sr, m);
                    break;
                case 8:
                    {
                        var f = sr.ReadIndex();
                        if (f >= m.FunctionTypes.Count)
                        {
                            throw sr.Error($"unknown function {f}");
                        }

                        var t = m.Types[m.FunctionTypes[f]];
                        if (t.ParamArray.Length != 0 || t.ResultArray.Length != 0)
                        {
                            throw sr.Error("start function must have type [] -> []");
                        }

                        m.Start = f;
                        break;
                    }

                case 9:
                    ReadElements(ref sr, m);
                    break;
                case 12:
                    m.DataCount = sr.ReadIndex();
                    break;
                case 10:
                    {
                        codeSeen = true;
                        var n = sr.ReadU32();
                        if (n != (uint)(functionCount ?? 0))
                        {
                            throw sr.Error("function and code section have inconsistent lengths");
                        }

                        for (uint i = 0; i < n; i++)
                        {
                            var bodySize = sr.ReadU32();
                            var bodyStart = sr.Position;
                            if (bodySize > MaxFunctionBytes)
                            {
                                throw sr.Error($"function body larger than {MaxFunctionBytes} bytes (implementation limit)");
                            }

                            if (bodySize > (uint)(end - bodyStart))
                            {
                                throw sr.Error("unexpected end of section or function");
                            }

                            var bodyEnd = bodyStart + (int)bodySize;
                            var br = new WasmReader(bytes[..bodyEnd], bodyStart, "code");
                            m.Bodies.Add(ReadBody(ref br, m));
                            sr.Position = bodyEnd;
                        }

                        break;
                    }

                case 11:
                    {
                        var n = sr.ReadU32();
                        if (m.DataCount is { } dc && dc != n)
                        {
                            throw sr.Error("data count and data section have inconsistent lengths");
                        }

                        for (uint i = 0; i < n; i++)
                        {
                            m.Data.Add(ReadData(ref sr, m));
                        }

                        break;
                    }
            }

            if (sr.Position != end)
            {
                throw sr.Error("section size mismatch");
            }

            r.Position = end;
        }

        if (!codeSeen && (functionCount ?? 0) != 0)
        {
            throw r.Error("function and code section have inconsistent lengths");
        }

        if (m.DataCount is { } count && count != m.Data.Count)
        {
            throw r.Error("data count and data section have inconsistent lengths");
        }

        // Function bodies are validated once every section is known.
        for (var i = 0; i < m.Bodies.Count; i++)
        {
            var body = m.Bodies[i];
            var type = m.Types[m.FunctionTypes[m.ImportedFunctions + i]];
            CodeValidator.Validate(bytes, m, type, body);
        }

        return m;
    }

    private static void ReadTypes(ref WasmReader r, ModuleInfo m)
    {
        var n = r.ReadU32();
        for (uint i = 0; i < n; i++)
        {
            var form = r.ReadByte();
            if (form != 0x60)
            {
                throw r.ErrorAt(r.Position - 1, $"malformed function type form 0x{form:x2}");
            }

            var pn = r.ReadU32();
            var ps = new List<ValueKind>();
            for (uint j = 0; j < pn; j++)
            {
                ps.Add(r.ReadValueType());
            }

            var rn = r.ReadU32();
            var rs = new List<ValueKind>();
            for (uint j = 0; j < rn; j++)
            {
                rs.Add(r.ReadValueType());
            }

            m.Types.Add(new FuncType(ps.ToArray(), rs.ToArray()));
        }
    }

    private static Limits ReadLimits(ref WasmReader r, bool memory)
    {
        var flagPos = r.Position;
        var flag = r.ReadByte();
        if (flag > 1)
        {
            throw r.ErrorAt(flagPos, memory ? "malformed memory limits flags (integer too large)" : "malformed limits flags (integer too large)");
        }

        var min = r.ReadU32();
        uint? max = flag == 1 ? r.ReadU32() : null;
        return new Limits(min, max);
    }

    private static TableType ReadTableType(ref WasmReader r)
    {
        var kind = r.ReadRefType();
        var pos = r.Position;
        var limits = ReadLimits(ref r, false);
        if (limits.Max is { } max && max < limits.Min)
        {
            throw r.ErrorAt(pos, "size minimum must not be greater than maximum");
        }

        return new TableType(kind, limits);
    }

    private static Limits ReadMemoryType(ref WasmReader r)
    {
        var pos = r.Position;
        var limits = ReadLimits(ref r, true);
        if (limits.Min > 65536 || limits.Max > 65536)
        {
            throw r.ErrorAt(pos, "memory size must be at most 65536 pages (4GiB)");
        }

        if (limits.Max is { } max && max < limits.Min)
        {
            throw r.ErrorAt(pos, "size minimum must not be greater than maximum");
        }

        return limits;
    }

    private static GlobalType ReadGlobalType(ref WasmReader r)
    {
        var kind = r.ReadValueType();
        var mut = r.ReadByte();
        if (mut > 1)
        {
            throw r.ErrorAt(r.Position - 1, "malformed mutability");
        }

        return new GlobalType(kind, mut == 1);
    }

    private static void ReadImports(ref WasmReader r, ModuleInfo m)
    {
        var n = r.ReadU32();
        for (uint i = 0; i < n; i++)
        {
            var module = r.ReadName();
            var name = r.ReadName();
            var kindPos = r.Position;
            var kind = r.ReadByte();
            switch (kind)
            {
                case 0:
                    {
                        var t = r.ReadIndex();
                        if (t >= m.Types.Count)
                        {
                            throw r.Error($"unknown type {t}");
                        }

                        m.Imports.Add(new ImportInfo { Module = module, Name = name, Kind = ExternKind.Function, TypeIndex = t });
                        m.FunctionTypes.Add(t);
                        m.ImportedFunctions++;
                        break;
                    }

                case 1:
                    {
                        var tt = ReadTableType(ref r);
                        m.Imports.Add(new ImportInfo { Module = module, Name = name, Kind = ExternKind.Table, Table = tt });
                        m.Tables.Add(tt);
                        m.ImportedTables++;
                        break;
                    }

                case 2:
                    {
                        var lim = ReadMemoryType(ref r);
                        m.Imports.Add(new ImportInfo { Module = module, Name = name, Kind = ExternKind.Memory, Memory = lim });
                        m.Memories.Add(lim);
                        m.ImportedMemories++;
                        if (m.Memories.Count > 1)
                        {
                            throw r.Error("multiple memories");
                        }

                        break;
                    }

                case 3:
                    {
                        var gt = ReadGlobalType(ref r);
                        m.Imports.Add(new ImportInfo { Module = module, Name = name, Kind = ExternKind.Global, Global = gt });
                        m.GlobalTypes.Add(gt);
                        m.ImportedGlobals++;
                        break;
                    }

                default:
                    throw r.ErrorAt(kindPos, "malformed import kind");
            }
        }
    }

    private static void ReadExports(ref WasmReader r, ModuleInfo m)
    {
        var n = r.ReadU32();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (uint i = 0; i < n; i++)
        {
            var name = r.ReadName();
            var kindPos = r.Position;
            var kind = r.ReadByte();
            var index = r.ReadIndex();
            var count = kind switch
            {
                0 => m.FunctionTypes.Count,
                1 => m.Tables.Count,
                2 => m.Memories.Count,
                3 => m.GlobalTypes.Count,
                _ => throw r.ErrorAt(kindPos, "malformed export kind"),
            };
            if (index >= count)
            {
                throw r.Error($"unknown {(ExternKind)kind} {index}");
            }

            if (!names.Add(name))
            {
                throw r.Error("duplicate export name");
            }

            if (kind == 0)
            {
                m.DeclaredRefs.Add(index);
            }

            m.Exports.Add(new ExportInfo(name, (ExternKind)kind, index));
        }
    }
}
