namespace Marketplace.GrainInterfaces;

/// <summary>What a deployer says about a module: name, version, entrypoint, limits, blob refs and salt. Signed by
/// the deployer (see <see cref="ProgramDeployment"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.program-manifest")]
public sealed class ProgramManifest
{
    /// <summary>Catalog name (letters, digits, <c>-_.</c>; 1-64 chars).</summary>
    [Id(0)]
    public string Name { get; set; } = "";

    /// <summary>Version (semantic version, e.g. <c>1.2.0</c>).</summary>
    [Id(1)]
    public string Version { get; set; } = "";

    /// <summary>The exported function to call (ONVM: <c>onvm_main</c>).</summary>
    [Id(2)]
    public string Entrypoint { get; set; } = "onvm_main";

    /// <summary>Default fuel budget of a run (ONVM default 50,000,000; at most the silo's maximum).</summary>
    [Id(3)]
    public long MaxFuel { get; set; } = 50_000_000;

    /// <summary>Linear-memory limit in bytes (default 64 MiB).</summary>
    [Id(4)]
    public long MaxMemoryBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Wall-clock limit of a run in milliseconds (default 30 s).</summary>
    [Id(5)]
    public long TimeoutMs { get; set; } = 30_000;

    /// <summary>Blobs the program may read with <c>onvm_blob_read</c>; each must exist at deploy.</summary>
    [Id(6)]
    public List<string> BlobRefs { get; set; } = [];

    /// <summary>Salt mixed into the program id, hex (may be empty).</summary>
    [Id(7)]
    public string Salt { get; set; } = "";

    /// <summary>Non-deterministic host functions the program may import: <c>time</c> (<c>onvm_now_ms</c>) and
    /// <c>random</c> (<c>onvm_random_bytes</c>). Empty for a deterministic program.</summary>
    [Id(8)]
    public List<string> Capabilities { get; set; } = [];
}
