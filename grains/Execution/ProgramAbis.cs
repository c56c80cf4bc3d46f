namespace Marketplace.Grains.Execution;

/// <summary>Recognises a module's <see cref="ProgramAbi"/> from its import module names.</summary>
internal static class ProgramAbis
{
    /// <summary>The import module of WASI preview 1.</summary>
    public const string WasiModule = "wasi_snapshot_preview1";

    /// <summary><see cref="ProgramAbi.Wasi"/> when any import comes from <see cref="WasiModule"/>, else
    /// <see cref="ProgramAbi.Onvm"/> (a module without imports is an ONVM program).</summary>
    public static ProgramAbi Recognize(IEnumerable<string> importModules)
    {
        ArgumentNullException.ThrowIfNull(importModules);
        foreach (var module in importModules)
        {
            if (string.Equals(module, WasiModule, StringComparison.Ordinal))
            {
                return ProgramAbi.Wasi;
            }
        }

        return ProgramAbi.Onvm;
    }
}
