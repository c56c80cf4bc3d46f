using Marketplace.GrainInterfaces;
using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>Recognizes ONVM's three entrypoint signatures (tried in ONVM's order).</summary>
internal static class EntrypointShapes
{
    private static readonly WasmSignature MultiValue = new([ValueKind.Int32, ValueKind.Int32], [ValueKind.Int32, ValueKind.Int32]);
    private static readonly WasmSignature Packed = new([ValueKind.Int32, ValueKind.Int32], [ValueKind.Int64]);
    private static readonly WasmSignature StructReturn = new([ValueKind.Int32, ValueKind.Int32, ValueKind.Int32], []);

    /// <summary>The shape of <paramref name="type"/>, or null when it is none of the three.</summary>
    public static EntrypointShape? Of(WasmSignature type) =>
        type.Equals(MultiValue) ? EntrypointShape.MultiValue
        : type.Equals(Packed) ? EntrypointShape.Packed
        : type.Equals(StructReturn) ? EntrypointShape.StructReturn
        : null;
}
