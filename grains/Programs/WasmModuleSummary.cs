// Design note: deploy reads a module's imports and exports, with function signatures and the exported memory's
// declared minimum, from Wasmtime's own metadata of the compiled module (Module.Imports, Module.Exports). That
// metadata has everything the checks need (kinds, names, parameter and result types, memory limits), so we no longer
// read any section of the module ourselves.

using Marketplace.Grains.Execution;
using Wasmtime;

namespace Marketplace.Grains.Programs;

/// <summary>Imports and exports of a compiled module with function signatures.</summary>
internal sealed class WasmModuleSummary
{
    private WasmModuleSummary(List<Import> imports, List<Export> exports, long? memoryMinimumPages)
    {
        Imports = imports;
        Exports = exports;
        MemoryMinimumPages = memoryMinimumPages;
    }

    /// <summary>What an import or export is.</summary>
    public enum ExternKind
    {
        /// <summary>A function.</summary>
        Function,

        /// <summary>A table.</summary>
        Table,

        /// <summary>A linear memory.</summary>
        Memory,

        /// <summary>A global.</summary>
        Global,

        /// <summary>An exception tag.</summary>
        Tag,
    }

    /// <summary>Declared imports; <see cref="Import.Type"/> is set for functions.</summary>
    public IReadOnlyList<Import> Imports { get; }

    /// <summary>Declared exports; <see cref="Export.Type"/> is set for functions.</summary>
    public IReadOnlyList<Export> Exports { get; }

    /// <summary>The minimum pages of the memory exported as <c>memory</c>, if there is one.</summary>
    public long? MemoryMinimumPages { get; }

    /// <summary>Reads the metadata of <paramref name="module"/>.</summary>
    public static WasmModuleSummary From(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var imports = new List<Import>();
        foreach (var import in module.Imports)
        {
            var (kind, type) = import switch
            {
                FunctionImport f => (ExternKind.Function, new WasmSignature(f.Parameters, f.Results)),
                TableImport => (ExternKind.Table, null),
                MemoryImport => (ExternKind.Memory, null),
                GlobalImport => (ExternKind.Global, null),
                _ => (ExternKind.Tag, (WasmSignature?)null),
            };
            imports.Add(new Import(import.ModuleName, import.Name, kind, type));
        }

        var exports = new List<Export>();
        long? memoryMinimum = null;
        foreach (var export in module.Exports)
        {
            var (kind, type) = export switch
            {
                FunctionExport f => (ExternKind.Function, new WasmSignature(f.Parameters, f.Results)),
                TableExport => (ExternKind.Table, null),
                MemoryExport => (ExternKind.Memory, null),
                GlobalExport => (ExternKind.Global, null),
                _ => (ExternKind.Tag, (WasmSignature?)null),
            };
            if (export is MemoryExport memory && export.Name == "memory")
            {
                memoryMinimum = memory.Minimum;
            }

            exports.Add(new Export(export.Name, kind, type));
        }

        return new WasmModuleSummary(imports, exports, memoryMinimum);
    }

    /// <summary>One import.</summary>
    public sealed record Import(string Module, string Name, ExternKind Kind, WasmSignature? Type);

    /// <summary>One export.</summary>
    public sealed record Export(string Name, ExternKind Kind, WasmSignature? Type);
}
