namespace Marketplace.GrainInterfaces;

/// <summary>A deployed program as the catalog lists it.</summary>
[GenerateSerializer]
[Alias("marketplace.program-info")]
public sealed class ProgramInfo
{
    /// <summary>The program id: <c>prog</c> + 64 hex of SHA-256(wasm ‖ salt bytes).</summary>
    [Id(0)]
    public string Id { get; set; } = "";

    /// <summary>The signed manifest.</summary>
    [Id(1)]
    public ProgramManifest Manifest { get; set; } = new();

    /// <summary>The deployer's EIP-55 address, recovered from the signature.</summary>
    [Id(2)]
    public string Deployer { get; set; } = "";

    /// <summary>Module size in bytes.</summary>
    [Id(3)]
    public long ModuleSize { get; set; }

    /// <summary>SHA-256 of the module, 64 hex.</summary>
    [Id(4)]
    public string ModuleHash { get; set; } = "";

    /// <summary>Which entrypoint shape the module exports (see the programs library).</summary>
    [Id(5)]
    public EntrypointShape EntrypointShape { get; set; }

    /// <summary>The host functions the module imports (from module <c>env</c> for ONVM, <c>wasi_snapshot_preview1</c>
    /// for WASI).</summary>
    [Id(6)]
    public List<string> Imports { get; set; } = [];

    /// <summary>When it was deployed.</summary>
    [Id(7)]
    public DateTimeOffset DeployedAt { get; set; }

    /// <summary>The host ABI, recognised from the imports at deploy: <see cref="ProgramAbiNames.Onvm"/> or
    /// <see cref="ProgramAbiNames.Wasi"/> (a WASI program starts at <c>_start</c>; the manifest's entrypoint and
    /// <see cref="EntrypointShape"/> do not apply to it).</summary>
    [Id(8)]
    public string Abi { get; set; } = ProgramAbiNames.Onvm;
}

/// <summary>The values of <see cref="ProgramInfo.Abi"/>.</summary>
public static class ProgramAbiNames
{
    /// <summary>ONVM: host functions in module <c>env</c>, an entrypoint of one of the <see cref="EntrypointShape"/>s.</summary>
    public const string Onvm = "onvm";

    /// <summary>WASI preview 1: imports from <c>wasi_snapshot_preview1</c>, a <c>_start</c> command; stdin is the job
    /// input, stdout the output, stderr the log.</summary>
    public const string Wasi = "wasi";
}

/// <summary>The three entrypoint signatures ONVM accepts.</summary>
public enum EntrypointShape
{
    /// <summary><c>(in_ptr i32, in_len i32) -> (out_ptr i32, out_len i32)</c>.</summary>
    MultiValue = 0,

    /// <summary><c>(in_ptr i32, in_len i32) -> i64</c>: pointer in the high 32 bits, length in the low.</summary>
    Packed = 1,

    /// <summary><c>(sret_ptr i32, in_ptr i32, in_len i32) -> ()</c>: pointer and length written at sret_ptr.</summary>
    StructReturn = 2,
}
