namespace Marketplace.Grains.Execution;

/// <summary>What a run that reached the sandbox ran on, for its receipt: the module, its ABI, the state it read and
/// the engine configuration.</summary>
/// <param name="WasmHash">SHA-256 of the module bytes.</param>
/// <param name="Abi">The host ABI the module ran on.</param>
/// <param name="StateRootIn">The program's state root the run read (the empty tree's root for a module that uses no
/// state), 64 hex.</param>
/// <param name="EngineConfigDigest">The engine's configuration digest (<see cref="SandboxEngine.ConfigurationDigest"/>), 64 hex.</param>
internal sealed record ProgramRunProvenance(byte[] WasmHash, ProgramAbi Abi, string StateRootIn, string EngineConfigDigest);
