namespace Marketplace.Grains.Execution;

/// <summary>The host ABI a program is written against, recognised from its imports at deploy (see
/// <see cref="ProgramAbis.Recognize"/>); the runner picks the host of that ABI.</summary>
internal enum ProgramAbi
{
    /// <summary>ONVM: host functions in module <c>env</c> (<see cref="OnvmImports"/>), an <c>onvm_main</c>-style entrypoint.</summary>
    Onvm,

    /// <summary>WASI preview 1: imports from <c>wasi_snapshot_preview1</c>, a <c>_start</c> command entry; runs on the
    /// deterministic host of grains/Execution/Wasi (stdin = job input, stdout = output, stderr = log).</summary>
    Wasi,
}
