namespace Marketplace.Wasm;

/// <summary>Kind of an import or export.</summary>
public enum ExternType
{
    /// <summary>A function.</summary>
    Function = 0,

    /// <summary>A table.</summary>
    Table = 1,

    /// <summary>A linear memory.</summary>
    Memory = 2,

    /// <summary>A global.</summary>
    Global = 3,
}

/// <summary>An import declared by a module.</summary>
/// <param name="Module">Module name.</param>
/// <param name="Name">Field name.</param>
/// <param name="Kind">What is imported.</param>
public sealed record ModuleImport(string Module, string Name, ExternType Kind);

/// <summary>An export declared by a module.</summary>
/// <param name="Name">Export name.</param>
/// <param name="Kind">What is exported.</param>
public sealed record ModuleExport(string Name, ExternType Kind);
