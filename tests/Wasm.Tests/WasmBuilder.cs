namespace Marketplace.Wasm.Tests;

/// <summary>Assembles small binary modules for tests (the engine has no text-format parser).</summary>
public sealed class WasmBuilder
{
    public const byte I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, F64 = 0x7C;

    private readonly List<byte[]> types = new();
    private readonly List<byte[]> imports = new();
    private readonly List<int> funcTypes = new();
    private readonly List<byte[]> bodies = new();
    private readonly List<byte[]> exports = new();
    private byte[]? memory;
    private int importedFuncs;

    public int Type(byte[] ps, byte[] rs)
    {
        var t = new List<byte> { 0x60 };
        t.AddRange(Leb((uint)ps.Length));
        t.AddRange(ps);
        t.AddRange(Leb((uint)rs.Length));
        t.AddRange(rs);
        types.Add(t.ToArray());
        return types.Count - 1;
    }

    public int ImportFunction(string module, string name, int type)
    {
        var e = new List<byte>();
        e.AddRange(Name(module));
        e.AddRange(Name(name));
        e.Add(0);
        e.AddRange(Leb((uint)type));
        imports.Add(e.ToArray());
        return importedFuncs++;
    }

    public WasmBuilder Memory(uint min, uint? max = null)
    {
        var m = new List<byte> { 1, (byte)(max is null ? 0 : 1) };
        m.AddRange(Leb(min));
        if (max is { } x)
        {
            m.AddRange(Leb(x));
        }

        memory = m.ToArray();
        return this;
    }

    /// <summary>Adds a function (locals: declared local types; code: instructions including the final end) and exports it.</summary>
    public int Function(string? export, int type, byte[] locals, params byte[] code)
    {
        funcTypes.Add(type);
        var b = new List<byte>();
        b.AddRange(Leb((uint)locals.Length));
        foreach (var l in locals)
        {
            b.Add(1);
            b.Add(l);
        }

        b.AddRange(code);
        bodies.Add(b.ToArray());
        var index = importedFuncs + funcTypes.Count - 1;
        if (export is not null)
        {
            var e = new List<byte>();
            e.AddRange(Name(export));
            e.Add(0);
            e.AddRange(Leb((uint)index));
            exports.Add(e.ToArray());
        }

        return index;
    }

    public WasmBuilder ExportMemory(string name)
    {
        var e = new List<byte>();
        e.AddRange(Name(name));
        e.Add(2);
        e.Add(0);
        exports.Add(e.ToArray());
        return this;
    }

    public byte[] Build()
    {
        var m = new List<byte> { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0 };
        Section(m, 1, types);
        Section(m, 2, imports);
        Section(m, 3, funcTypes.Select(t => Leb((uint)t)).ToList());
        if (memory is not null)
        {
            var body = memory;
            m.Add(5);
            m.AddRange(Leb((uint)body.Length));
            m.AddRange(body);
        }

        Section(m, 7, exports);
        Section(m, 10, bodies.Select(b => Leb((uint)b.Length).Concat(b).ToArray()).ToList());
        return m.ToArray();
    }

    private static void Section(List<byte> m, byte id, List<byte[]> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        var body = new List<byte>();
        body.AddRange(Leb((uint)items.Count));
        foreach (var i in items)
        {
            body.AddRange(i);
        }

        m.Add(id);
        m.AddRange(Leb((uint)body.Count));
        m.AddRange(body);
    }

    public static byte[] Leb(uint v)
    {
        var r = new List<byte>();
        do
        {
            var b = (byte)(v & 0x7F);
            v >>= 7;
            if (v != 0)
            {
                b |= 0x80;
            }

            r.Add(b);
        }
        while (v != 0);
        return r.ToArray();
    }

    public static byte[] SLeb(long v)
    {
        var r = new List<byte>();
        while (true)
        {
            var b = (byte)(v & 0x7F);
            v >>= 7;
            if ((v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0))
            {
                r.Add(b);
                return r.ToArray();
            }

            r.Add((byte)(b | 0x80));
        }
    }

    private static byte[] Name(string s)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(s);
        return Leb((uint)bytes.Length).Concat(bytes).ToArray();
    }
}
