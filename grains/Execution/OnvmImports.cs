using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>The host functions a program may import (module <c>env</c>), their signatures, and the manifest
/// capability each non-deterministic one needs. Deploy checks and the runner's linker share this table.</summary>
internal static class OnvmImports
{
    /// <summary>The import module name.</summary>
    public const string Module = "env";

    /// <summary>The name prefix of the state host functions.</summary>
    public const string StatePrefix = "onvm_state_";

    /// <summary>Capability for <c>onvm_now_ms</c>.</summary>
    public const string TimeCapability = "time";

    /// <summary>Capability for <c>onvm_random_bytes</c>.</summary>
    public const string RandomCapability = "random";

    private const ValueKind I32 = ValueKind.Int32;
    private const ValueKind I64 = ValueKind.Int64;

    /// <summary>Every known capability.</summary>
    public static IReadOnlySet<string> Capabilities { get; } = new HashSet<string>(StringComparer.Ordinal) { TimeCapability, RandomCapability };

    /// <summary>Name → (signature, capability or null).</summary>
    public static IReadOnlyDictionary<string, (WasmSignature Type, string? Capability)> Functions { get; } =
        new Dictionary<string, (WasmSignature, string?)>(StringComparer.Ordinal)
        {
            ["onvm_blob_read"] = (Sig([I32, I32, I32, I32], [I32]), null),
            ["onvm_blob_exists"] = (Sig([I32, I32], [I32]), null),
            ["onvm_blob_len"] = (Sig([I32, I32], [I64]), null),
            ["onvm_blob_hash"] = (Sig([I32, I32, I32], [I32]), null),
            ["onvm_state_get"] = (Sig([I32, I32, I32, I32], [I32]), null),
            ["onvm_state_put"] = (Sig([I32, I32, I32, I32], [I32]), null),
            ["onvm_state_del"] = (Sig([I32, I32], [I32]), null),
            ["onvm_state_exists"] = (Sig([I32, I32], [I32]), null),
            ["onvm_state_len"] = (Sig([I32, I32], [I64]), null),
            ["onvm_state_list"] = (Sig([I32, I32, I32, I32], [I32]), null),
            ["onvm_state_root"] = (Sig([I32], [I32]), null),
            ["onvm_log"] = (Sig([I32, I32, I32], [I32]), null),
            ["onvm_crypto_hash"] = (Sig([I32, I32, I32, I32, I32], [I32]), null),
            ["onvm_crypto_secp256k1_verify"] = (Sig([I32, I32, I32], [I32]), null),
            ["onvm_crypto_secp256k1_recover"] = (Sig([I32, I32, I32], [I32]), null),
            ["onvm_now_ms"] = (Sig([], [I64]), TimeCapability),
            ["onvm_random_bytes"] = (Sig([I32, I32], [I32]), RandomCapability),
        };

    private static WasmSignature Sig(ValueKind[] parameters, ValueKind[] results) => new(parameters, results);
}
