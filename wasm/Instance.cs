using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm;

/// <summary>An instantiated module: its exports.</summary>
public sealed class Instance
{
    internal Instance(InstanceContext ctx)
    {
        Context = ctx;
    }

    /// <summary>The store the instance lives in.</summary>
    public Store Store => Context.Store;

    internal InstanceContext Context { get; }

    internal Dictionary<string, object> ExportMap { get; } = new(StringComparer.Ordinal);

    /// <summary>Names of all exports.</summary>
    public IEnumerable<string> ExportNames => ExportMap.Keys;

    /// <summary>An exported function, or null.</summary>
    public Function? GetFunction(string name) => ExportMap.GetValueOrDefault(name) as Function;

    /// <summary>An exported memory, or null.</summary>
    public Memory? GetMemory(string name) => ExportMap.GetValueOrDefault(name) as Memory;

    /// <summary>An exported global, or null.</summary>
    public Global? GetGlobal(string name) => ExportMap.GetValueOrDefault(name) as Global;

    /// <summary>An exported table, or null.</summary>
    public Table? GetTable(string name) => ExportMap.GetValueOrDefault(name) as Table;

    /// <summary>Typed export <c>() -> TResult</c>.</summary>
    public Func<TResult> GetFunction<TResult>(string name)
    {
        var f = Typed(name, Array.Empty<Type>(), typeof(TResult));
        return () => Result<TResult>(f.Invoke());
    }

    /// <summary>Typed export <c>(T1) -> TResult</c>.</summary>
    public Func<T1, TResult> GetFunction<T1, TResult>(string name)
    {
        var f = Typed(name, new[] { typeof(T1) }, typeof(TResult));
        return a => Result<TResult>(f.Invoke(Arg(a)));
    }

    /// <summary>Typed export <c>(T1, T2) -> TResult</c>.</summary>
    public Func<T1, T2, TResult> GetFunction<T1, T2, TResult>(string name)
    {
        var f = Typed(name, new[] { typeof(T1), typeof(T2) }, typeof(TResult));
        return (a, b) => Result<TResult>(f.Invoke(Arg(a), Arg(b)));
    }

    /// <summary>Typed export <c>(T1, T2, T3) -> TResult</c>.</summary>
    public Func<T1, T2, T3, TResult> GetFunction<T1, T2, T3, TResult>(string name)
    {
        var f = Typed(name, new[] { typeof(T1), typeof(T2), typeof(T3) }, typeof(TResult));
        return (a, b, c) => Result<TResult>(f.Invoke(Arg(a), Arg(b), Arg(c)));
    }

    /// <summary>Typed export <c>(T1, T2, T3, T4) -> TResult</c>.</summary>
    public Func<T1, T2, T3, T4, TResult> GetFunction<T1, T2, T3, T4, TResult>(string name)
    {
        var f = Typed(name, new[] { typeof(T1), typeof(T2), typeof(T3), typeof(T4) }, typeof(TResult));
        return (a, b, c, d) => Result<TResult>(f.Invoke(Arg(a), Arg(b), Arg(c), Arg(d)));
    }

    /// <summary>Typed export <c>() -> []</c>.</summary>
    public Action GetAction(string name)
    {
        var f = Typed(name, Array.Empty<Type>(), null);
        return () => f.Invoke();
    }

    /// <summary>Typed export <c>(T1) -> []</c>.</summary>
    public Action<T1> GetAction<T1>(string name)
    {
        var f = Typed(name, new[] { typeof(T1) }, null);
        return a => f.Invoke(Arg(a));
    }

    /// <summary>Typed export <c>(T1, T2) -> []</c>.</summary>
    public Action<T1, T2> GetAction<T1, T2>(string name)
    {
        var f = Typed(name, new[] { typeof(T1), typeof(T2) }, null);
        return (a, b) => f.Invoke(Arg(a), Arg(b));
    }

    private static ValueKind KindOf(Type t) =>
        t == typeof(int) ? ValueKind.Int32
        : t == typeof(long) ? ValueKind.Int64
        : t == typeof(float) ? ValueKind.Float32
        : t == typeof(double) ? ValueKind.Float64
        : throw new ArgumentException($"type {t.Name} has no WebAssembly value type (use int, long, float, double)");

    private Function Typed(string name, Type[] ps, Type? result)
    {
        var f = GetFunction(name) ?? throw new ArgumentException($"no exported function '{name}'", nameof(name));
        var want = new FuncType(ps.Select(KindOf).ToArray(), result is null ? Array.Empty<ValueKind>() : new[] { KindOf(result) });
        if (!want.Equals(f.Type))
        {
            throw new ArgumentException($"export '{name}' has type {f.Type}, not {want}", nameof(name));
        }

        return f;
    }

    private static WasmValue Arg<T>(T v) => v switch
    {
        int i => WasmValue.FromInt32(i),
        long l => WasmValue.FromInt64(l),
        float s => WasmValue.FromSingle(s),
        double d => WasmValue.FromDouble(d),
        _ => throw new ArgumentException("unsupported argument type"),
    };

    private static T Result<T>(WasmValue[] r)
    {
        var v = r[0];
        object boxed = v.Kind switch
        {
            ValueKind.Int32 => (object)v.AsInt32(),
            ValueKind.Int64 => (object)v.AsInt64(),
            ValueKind.Float32 => (object)v.AsSingle(),
            _ => (object)v.AsDouble(),
        };
        return (T)boxed;
    }
}
