namespace Marketplace.Wasm;

/// <summary>WebAssembly value types (the byte is the binary encoding).</summary>
public enum ValueKind : byte
{
    /// <summary>32-bit integer.</summary>
    Int32 = 0x7F,

    /// <summary>64-bit integer.</summary>
    Int64 = 0x7E,

    /// <summary>32-bit IEEE float.</summary>
    Float32 = 0x7D,

    /// <summary>64-bit IEEE float.</summary>
    Float64 = 0x7C,

    /// <summary>Reference to a function (or null).</summary>
    FuncRef = 0x70,

    /// <summary>Opaque host reference (or null).</summary>
    ExternRef = 0x6F,
}
