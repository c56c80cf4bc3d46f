namespace Marketplace.Wasm;

/// <summary>A global variable; numbers are kept as raw bits.</summary>
public sealed class Global
{
    // Read and written directly by compiled code.
    internal long Bits;
    internal object? Ref;

    /// <summary>Creates a global with an initial value (its kind must match <paramref name="kind"/>).</summary>
    public Global(ValueKind kind, bool mutable, WasmValue initial)
    {
        Kind = kind;
        Mutable = mutable;
        Bits = initial.Bits;
        Ref = initial.Reference;
    }

    /// <summary>Value type.</summary>
    public ValueKind Kind { get; }

    /// <summary>Whether wasm code may change it.</summary>
    public bool Mutable { get; }

    /// <summary>Current value.</summary>
    public WasmValue GetValue() => Kind is ValueKind.FuncRef or ValueKind.ExternRef
        ? WasmValue.FromReference(Kind, Ref)
        : new WasmValue(Kind, Kind is ValueKind.Int32 or ValueKind.Float32 ? (uint)Bits : Bits, null);

    /// <summary>Sets the value (host side; allowed only for mutable globals).</summary>
    public void SetValue(WasmValue value)
    {
        if (!Mutable)
        {
            throw new InvalidOperationException("global is immutable");
        }

        Bits = value.Bits;
        Ref = value.Reference;
    }
}
