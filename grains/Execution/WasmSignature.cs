using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>A function type: parameter and result kinds, compared by value, written as <c>(i32 i32) -> (i64)</c>.</summary>
internal sealed class WasmSignature : IEquatable<WasmSignature>
{
    /// <summary>Creates a signature.</summary>
    public WasmSignature(IReadOnlyList<ValueKind> parameters, IReadOnlyList<ValueKind> results)
    {
        Parameters = [.. parameters];
        Results = [.. results];
    }

    /// <summary>Parameter kinds in order.</summary>
    public ValueKind[] Parameters { get; }

    /// <summary>Result kinds in order.</summary>
    public ValueKind[] Results { get; }

    /// <inheritdoc />
    public bool Equals(WasmSignature? other) =>
        other is not null && Parameters.AsSpan().SequenceEqual(other.Parameters) && Results.AsSpan().SequenceEqual(other.Results);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as WasmSignature);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var kind in Parameters)
        {
            hash.Add(kind);
        }

        hash.Add(-1);
        foreach (var kind in Results)
        {
            hash.Add(kind);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"({Names(Parameters)}) -> ({Names(Results)})";

    private static string Names(ValueKind[] kinds) => string.Join(' ', kinds.Select(k => k switch
    {
        ValueKind.Int32 => "i32",
        ValueKind.Int64 => "i64",
        ValueKind.Float32 => "f32",
        ValueKind.Float64 => "f64",
        ValueKind.V128 => "v128",
        ValueKind.FuncRef => "funcref",
        ValueKind.ExternRef => "externref",
        _ => k.ToString().ToLowerInvariant(),
    }));
}
