namespace Marketplace.GrainInterfaces;

/// <summary>
/// What one run of a job did, as the worker that ran it claims: which program (by wasm hash) ran on which input,
/// invocation and state, on which engine, how it ended, what it output, the fuel it used and the state it left. Its
/// canonical bytes and hash are <see cref="ReceiptCodec"/>'s; the executing worker signs the hash
/// (<see cref="SignedExecutionReceipt"/>).
/// </summary>
/// <remarks>
/// A receipt proves that the worker holding the key stands by these figures; it does not prove they are right. Anyone
/// holding the program, the input and the state can replay the run on the same engine configuration and compare; a
/// committee doing so and aggregating its members' signatures over the same hash is what makes a receipt trusted.
/// Hashes are 32 bytes; the byte layout is documented in grain-interfaces/Receipts/README.md. Never changed once sent
/// ([Immutable]).
/// </remarks>
[GenerateSerializer]
[Alias("marketplace.execution-receipt")]
[Immutable]
public sealed class ExecutionReceipt
{
    /// <summary>The engine every receipt of this build names.</summary>
    public const string Wasmtime = "wasmtime";

    /// <summary>The job.</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>The attempt of the job (1-based).</summary>
    [Id(1)] public int Attempt { get; set; }

    /// <summary>The program id.</summary>
    [Id(2)] public string ProgramId { get; set; } = "";

    /// <summary>SHA-256 of the module bytes that ran.</summary>
    [Id(3)] public byte[] WasmHash { get; set; } = [];

    /// <summary>The host ABI the program ran on.</summary>
    [Id(4)] public ReceiptAbi Abi { get; set; }

    /// <summary>SHA-256 of the input bytes as the program saw them.</summary>
    [Id(5)] public byte[] InputHash { get; set; } = [];

    /// <summary>WASI runs: <see cref="ReceiptInvocation.Hash"/> of the arguments, environment and clock start;
    /// ONVM runs, which see none of them: 32 zero bytes.</summary>
    [Id(6)] public byte[] InvocationHash { get; set; } = [];

    /// <summary>The program's state root the run read (the empty tree's root for a program that does not use state).</summary>
    [Id(7)] public byte[] StateRootIn { get; set; } = [];

    /// <summary>How the run ended.</summary>
    [Id(8)] public ReceiptOutcome Outcome { get; set; }

    /// <summary>SHA-256 of the output bytes (of no bytes unless <see cref="ReceiptOutcome.Completed"/>).</summary>
    [Id(9)] public byte[] OutputHash { get; set; } = [];

    /// <summary>Fuel the run used (the job's fuel figure).</summary>
    [Id(10)] public long FuelConsumed { get; set; }

    /// <summary>The program's state root after the run: the committed root when it completed, else <see cref="StateRootIn"/>.</summary>
    [Id(11)] public byte[] StateRootOut { get; set; } = [];

    /// <summary>The engine, <see cref="Wasmtime"/>.</summary>
    [Id(12)] public string EngineName { get; set; } = "";

    /// <summary>The engine's version, e.g. <c>50.0.1</c>.</summary>
    [Id(13)] public string EngineVersion { get; set; } = "";

    /// <summary>SHA-256 of the engine's version and fixed configuration (the digest that keys compiled modules, see
    /// grains/Execution/README.md).</summary>
    [Id(14)] public byte[] EngineConfigDigest { get; set; } = [];

    /// <summary>The worker that ran it and signs the receipt.</summary>
    [Id(15)] public string WorkerId { get; set; } = "";

    /// <summary>When the run ended, by the worker's silo clock, to the millisecond.</summary>
    [Id(16)] public DateTimeOffset Timestamp { get; set; }
}
