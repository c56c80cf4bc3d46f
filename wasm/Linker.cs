using Marketplace.Wasm.Decoding;
using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm;

/// <summary>Names host functions, memories, tables, globals and instances for import resolution, and instantiates modules.</summary>
public sealed class Linker
{
    private readonly Dictionary<(string Module, string Name), object> definitions = new();

    /// <summary>Creates a linker for <paramref name="engine"/>.</summary>
    public Linker(Engine engine)
    {
        Engine = engine;
    }

    /// <summary>The engine.</summary>
    public Engine Engine { get; }

    /// <summary>Defines an extern (a <see cref="Function"/>, <see cref="Memory"/>, <see cref="Table"/> or <see cref="Global"/>).</summary>
    public void Define(string module, string name, object item)
    {
        if (item is not (Function or Memory or Table or Global))
        {
            throw new ArgumentException("only Function, Memory, Table or Global can be defined", nameof(item));
        }

        definitions[(module, name)] = item;
    }

    /// <summary>
    /// Defines a host function from a typed delegate (<c>Action</c>/<c>Func</c> over int, long, float, double),
    /// e.g. <c>linker.DefineFunction("env", "log", (int x) => Console.WriteLine(x))</c>.
    /// </summary>
    public Function DefineFunction(string module, string name, Delegate callback)
    {
        var f = CreateFunction(Engine, callback);
        definitions[(module, name)] = f;
        return f;
    }

    /// <summary>Defines an untyped host function of the given signature.</summary>
    public Function DefineFunction(string module, string name, FuncType type, HostCallback callback)
    {
        var f = CreateFunction(Engine, type, callback);
        definitions[(module, name)] = f;
        return f;
    }

    /// <summary>Makes every export of <paramref name="instance"/> importable under <paramref name="module"/>.</summary>
    public void DefineInstance(string module, Instance instance)
    {
        foreach (var (name, item) in instance.ExportMap)
        {
            definitions[(module, name)] = item;
        }
    }

    /// <summary>Creates a host function object from a typed delegate without defining it.</summary>
    public static Function CreateFunction(Engine engine, Delegate callback)
    {
        var invoke = callback.GetType().GetMethod("Invoke")!;
        var ps = invoke.GetParameters().Select(p => KindOf(p.ParameterType)).ToArray();
        var rs = invoke.ReturnType == typeof(void) ? Array.Empty<ValueKind>() : new[] { KindOf(invoke.ReturnType) };
        var type = new FuncType(ps, rs);
        var code = engine.Invokers.TypedTrampoline(callback.GetType(), type);
        return new Function(type, engine.TypeId(type), code, new HostCallable(type, callback, null), engine);
    }

    /// <summary>Creates an untyped host function object without defining it.</summary>
    public static Function CreateFunction(Engine engine, FuncType type, HostCallback callback)
    {
        var code = engine.Invokers.UntypedTrampoline(type);
        return new Function(type, engine.TypeId(type), code, new HostCallable(type, null, callback), engine);
    }

    private static ValueKind KindOf(Type t) =>
        t == typeof(int) ? ValueKind.Int32
        : t == typeof(long) ? ValueKind.Int64
        : t == typeof(float) ? ValueKind.Float32
        : t == typeof(double) ? ValueKind.Float64
        : throw new ArgumentException($"host function parameter/result type {t.Name} is not supported (use int, long, float, double, or an untyped HostCallback)");

    /// <summary>Resolves imports, creates memories/tables/globals, applies segments and runs the start function.</summary>
    /// <exception cref="WasmLinkException">An import is missing or has the wrong type, or a limit is exceeded.</exception>
    /// <exception cref="WasmTrap">A segment is out of bounds or the start function trapped.</exception>
    public Instance Instantiate(Store store, Module module)
    {
        if (store.Engine != module.Engine || Engine != module.Engine)
        {
            throw new ArgumentException("store, linker and module must belong to the same engine");
        }

        var info = module.Info;
        var ctx = new InstanceContext { Store = store, Module = module };
        var functions = new Function[info.FunctionTypes.Count];
        var globals = new Global[info.GlobalTypes.Count];
        var tables = new Table[info.Tables.Count];
        Memory? memory = null;
        int fi = 0, gi = 0, ti = 0;
        foreach (var imp in info.Imports)
        {
            if (!definitions.TryGetValue((imp.Module, imp.Name), out var ext))
            {
                throw new WasmLinkException($"unknown import {imp.Module}.{imp.Name}");
            }

            var ok = imp.Kind switch
            {
                ExternKind.Function => ext is Function f && f.TypeId == module.TypeIds[imp.TypeIndex],
                ExternKind.Table => ext is Table t && t.Kind == imp.Table!.ElementKind && Fits((ulong)t.Length, t.DeclaredMaximum, imp.Table.Limits),
                ExternKind.Memory => ext is Memory m && Fits((ulong)m.Pages, m.DeclaredMaximum, imp.Memory),
                _ => ext is Global g && g.Kind == imp.Global!.Kind && g.Mutable == imp.Global.Mutable,
            };
            if (!ok)
            {
                throw new WasmLinkException($"incompatible import type for {imp.Module}.{imp.Name}");
            }

            switch (imp.Kind)
            {
                case ExternKind.Function:
                    functions[fi++] = (Function)ext;
                    break;
                case ExternKind.Table:
                    tables[ti++] = (Table)ext;
                    break;
                case ExternKind.Memory:
                    memory = (Memory)ext;
                    break;
                default:
                    globals[gi++] = (Global)ext;
                    break;
            }
        }

        for (var i = 0; i < info.Bodies.Count; i++)
        {
            var index = info.ImportedFunctions + i;
            var typeIndex = info.FunctionTypes[index];
            functions[index] = new Function(info.Types[typeIndex], module.TypeIds[typeIndex], module.Entries[i], ctx, Engine);
        }

        ctx.Functions = functions;
        ctx.Globals = globals;
        foreach (var g in info.Globals)
        {
            globals[gi++] = new Global(g.Type.Kind, g.Type.Mutable, Eval(g.Init, ctx));
        }

        for (var i = info.ImportedTables; i < info.Tables.Count; i++)
        {
            var tt = info.Tables[i];
            if (tt.Limits.Min > store.MaxTableElements)
            {
                throw new WasmLinkException($"table of {tt.Limits.Min} elements exceeds the limit of {store.MaxTableElements}");
            }

            tables[i] = new Table(tt.ElementKind, (uint)tt.Limits.Min, (uint?)tt.Limits.Max);
            tables[i].Maximum = Math.Min(tables[i].Maximum, store.MaxTableElements);
        }

        ctx.Tables = tables;
        if (memory is null && info.Memories.Count > 0)
        {
            var lim = info.Memories[0];
            var limit = Math.Min(store.MaxMemoryPages, Memory.HardMaxPages);
            if (lim.Min > limit)
            {
                throw new WasmLinkException($"memory minimum of {lim.Min} pages exceeds the limit of {limit} pages");
            }

            memory = new Memory((uint)lim.Min, (uint?)lim.Max);
            memory.Maximum = Math.Min(memory.Maximum, limit);
        }

        ctx.Memory = memory;
        ctx.Data = info.Data.Select(d => d.Bytes).ToArray();
        ctx.Elements = info.Elements.Select(e => e.Items.Select(x => Eval(x, ctx).Reference).ToArray()).ToArray();

        var instance = new Instance(ctx);
        foreach (var e in info.Exports)
        {
            instance.ExportMap[e.Name] = e.Kind switch
            {
                ExternKind.Function => functions[e.Index],
                ExternKind.Table => tables[e.Index],
                ExternKind.Memory => memory!,
                _ => globals[e.Index],
            };
        }

        for (var i = 0; i < info.Elements.Count; i++)
        {
            var seg = info.Elements[i];
            if (seg.Mode == SegmentMode.Active)
            {
                var offset = (uint)Eval(seg.Offset!, ctx).AsInt32();
                var items = ctx.Elements[i];
                var table = tables[seg.Table];
                if ((ulong)offset + (ulong)items.Length > (ulong)table.Length)
                {
                    throw new WasmTrap(TrapCode.OutOfBoundsTable, "out of bounds table access (element segment)");
                }

                Array.Copy(items, 0, table.Elements, offset, items.Length);
            }

            if (seg.Mode != SegmentMode.Passive)
            {
                ctx.Elements[i] = Array.Empty<object?>();
            }
        }

        for (var i = 0; i < info.Data.Count; i++)
        {
            var seg = info.Data[i];
            if (seg.Mode != SegmentMode.Active)
            {
                continue;
            }

            var offset = (uint)Eval(seg.Offset!, ctx).AsInt32();
            if ((ulong)offset + (ulong)seg.Bytes.Length > (ulong)memory!.Length)
            {
                throw new WasmTrap(TrapCode.OutOfBoundsMemory, "out of bounds memory access (data segment)");
            }

            seg.Bytes.CopyTo(memory.Buffer.AsSpan((int)offset));
            ctx.Data[i] = Array.Empty<byte>();
        }

        if (info.Start is { } start)
        {
            functions[start].Invoke();
        }

        return instance;
    }

    private static bool Fits(ulong actualMin, uint? actualMax, Limits declared) =>
        actualMin >= declared.Min && (declared.Max is not { } dmax || (actualMax is { } amax && amax <= dmax));

    private static WasmValue Eval(ConstExpr e, InstanceContext ctx) => e.Op switch
    {
        0x41 => WasmValue.FromInt32((int)e.Value),
        0x42 => WasmValue.FromInt64(e.Value),
        0x43 => new WasmValue(ValueKind.Float32, (uint)e.Value, null),
        0x44 => new WasmValue(ValueKind.Float64, e.Value, null),
        0xD0 => WasmValue.FromReference((ValueKind)e.Value, null),
        0xD2 => WasmValue.FromReference(ValueKind.FuncRef, ctx.Functions[(int)e.Value]),
        _ => ctx.Globals[(int)e.Value].GetValue(),
    };
}
