using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>A module compiled by the silo's engine with what runs and deploy checks read from its metadata once.</summary>
internal sealed class CompiledModule
{
    private CompiledModule(Module module, string key, ProgramAbi abi, long? memoryMinimumPages, bool usesState)
    {
        Module = module;
        Key = key;
        Abi = abi;
        MemoryMinimumPages = memoryMinimumPages;
        UsesState = usesState;
    }

    /// <summary>The Wasmtime module.</summary>
    public Module Module { get; }

    /// <summary>The cache key: SHA-256 of the wasm and the engine's configuration digest.</summary>
    public string Key { get; }

    /// <summary>The host ABI recognised from the imports.</summary>
    public ProgramAbi Abi { get; }

    /// <summary>The declared minimum pages of the memory exported as <c>memory</c>, if any.</summary>
    public long? MemoryMinimumPages { get; }

    /// <summary>Whether the module imports a state host function (<c>onvm_state_*</c>). A program's state is written
    /// only by its own runs, so the state of a module without them is always empty and a run need not read it.</summary>
    public bool UsesState { get; }

    /// <summary>Reads the metadata of <paramref name="module"/>.</summary>
    public static CompiledModule From(Module module, string key)
    {
        ArgumentNullException.ThrowIfNull(module);
        long? minimum = null;
        foreach (var export in module.Exports)
        {
            if (export is MemoryExport memory && export.Name == "memory")
            {
                minimum = memory.Minimum;
            }
        }

        var modules = new List<string>(module.Imports.Count);
        var usesState = false;
        foreach (var import in module.Imports)
        {
            modules.Add(import.ModuleName);
            usesState |= import.ModuleName == OnvmImports.Module && import.Name.StartsWith(OnvmImports.StatePrefix, StringComparison.Ordinal);
        }

        return new CompiledModule(module, key, ProgramAbis.Recognize(modules), minimum, usesState);
    }
}
