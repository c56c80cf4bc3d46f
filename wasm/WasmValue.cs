namespace Marketplace.Wasm;

/// <summary>An untyped WebAssembly value: numbers are kept as raw bits so NaN payloads survive.</summary>
public readonly struct WasmValue
{
    /// <summary>Creates a value from its kind, raw bits and reference.</summary>
    public WasmValue(ValueKind kind, long bits, object? reference)
    {
        Kind = kind;
        Bits = bits;
        Reference = reference;
    }

    /// <summary>The value's type.</summary>
    public ValueKind Kind { get; }

    /// <summary>Raw bits of a numeric value (i32 and f32 in the low 32 bits).</summary>
    public long Bits { get; }

    /// <summary>The reference of a funcref (<see cref="Function"/>) or externref (any host object); null for a null reference.</summary>
    public object? Reference { get; }

    /// <summary>An i32 value.</summary>
    public static WasmValue FromInt32(int v) => new(ValueKind.Int32, (uint)v, null);

    /// <summary>An i64 value.</summary>
    public static WasmValue FromInt64(long v) => new(ValueKind.Int64, v, null);

    /// <summary>An f32 value.</summary>
    public static WasmValue FromSingle(float v) => new(ValueKind.Float32, (uint)BitConverter.SingleToInt32Bits(v), null);

    /// <summary>An f64 value.</summary>
    public static WasmValue FromDouble(double v) => new(ValueKind.Float64, BitConverter.DoubleToInt64Bits(v), null);

    /// <summary>A reference value of the given reference kind.</summary>
    public static WasmValue FromReference(ValueKind kind, object? reference) => new(kind, 0, reference);

    /// <summary>The value as i32.</summary>
    public int AsInt32() => (int)Bits;

    /// <summary>The value as i64.</summary>
    public long AsInt64() => Bits;

    /// <summary>The value as f32 (bit exact).</summary>
    public float AsSingle() => BitConverter.Int32BitsToSingle((int)Bits);

    /// <summary>The value as f64 (bit exact).</summary>
    public double AsDouble() => BitConverter.Int64BitsToDouble(Bits);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ValueKind.Int32 => $"i32:{AsInt32()}",
        ValueKind.Int64 => $"i64:{Bits}",
        ValueKind.Float32 => $"f32:{AsSingle()}",
        ValueKind.Float64 => $"f64:{AsDouble()}",
        _ => $"{Kind}:{Reference ?? "null"}",
    };
}
