using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Execution;

/// <summary>What a replay of a receipt runs: the program's module and the input, and for WASI programs the
/// invocation (arguments, environment, clock start). Everything not given falls back to what the receipt implies.</summary>
public sealed class ReceiptReplayRequest
{
    /// <summary>The module bytes; checked against the receipt's <c>wasm_hash</c> before anything runs.</summary>
    public required byte[] Wasm { get; init; }

    /// <summary>The input bytes; checked against the receipt's <c>input_hash</c> before anything runs.</summary>
    public required ReadOnlyMemory<byte> Input { get; init; }

    /// <summary>The deployed program's description (manifest name, entrypoint, capabilities), when known: a WASI
    /// program sees the manifest's name as <c>argv[0]</c>, an ONVM program is entered at the manifest's entrypoint.
    /// Null: <see cref="ProgramName"/>, <see cref="Entrypoint"/> and <see cref="Capabilities"/>.</summary>
    public ProgramInfo? Program { get; init; }

    /// <summary>The program's manifest name (WASI <c>argv[0]</c>) when <see cref="Program"/> is null.</summary>
    public string? ProgramName { get; init; }

    /// <summary>The ONVM entrypoint when <see cref="Program"/> is null; default <c>onvm_main</c>.</summary>
    public string? Entrypoint { get; init; }

    /// <summary>The ONVM capabilities granted when <see cref="Program"/> is null (<c>time</c>, <c>random</c>).</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>WASI: <c>argv[1..]</c>, as the job had them.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>WASI: the job's environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(0);

    /// <summary>WASI: where <c>CLOCK_REALTIME</c> starts (the job's creation time); null: the Unix epoch.</summary>
    public DateTimeOffset? ClockStart { get; init; }

    /// <summary>The fuel budget. Null: the receipt's fuel for an <c>out_of_fuel</c> receipt (that run used exactly
    /// its budget), else <see cref="JobLimits.MaxFuel"/> (fuel is counted per operator, so a larger budget gives a
    /// run that ended on its own the same figures).</summary>
    public long? MaxFuel { get; init; }

    /// <summary>The memory limit, bytes; null: the manifest's (or the manifest default of 64 MiB).</summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>The program's state the run read (e.g. <c>GET /v1/programs/{id}/state?root=</c> with the receipt's
    /// <c>state_root_in</c>); checked against the receipt's <c>state_root_in</c> before anything runs. Needed only
    /// for a run that read a non-empty state; null: such a run is compared only on the fields that do not depend on
    /// running it.</summary>
    public StateSnapshot? State { get; init; }

    /// <summary>Wall-clock limit of the local run (it does not enter any figure); default 5 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}
