namespace Marketplace.Wasm.Decoding;

/// <summary>Kind of an import or export.</summary>
internal enum ExternKind : byte
{
    Function = 0,
    Table = 1,
    Memory = 2,
    Global = 3,
}

/// <summary>Table, memory limits.</summary>
internal readonly record struct Limits(ulong Min, ulong? Max);

internal sealed record TableType(ValueKind ElementKind, Limits Limits);

internal sealed record GlobalType(ValueKind Kind, bool Mutable);

internal sealed class ImportInfo
{
    public required string Module { get; init; }

    public required string Name { get; init; }

    public ExternKind Kind { get; init; }

    public int TypeIndex { get; init; }

    public TableType? Table { get; init; }

    public Limits Memory { get; init; }

    public GlobalType? Global { get; init; }
}

internal sealed record ExportInfo(string Name, ExternKind Kind, int Index);

/// <summary>A constant expression (one value instruction; the validator checks the shape).</summary>
internal sealed record ConstExpr(ushort Op, long Value);

internal sealed record GlobalInfo(GlobalType Type, ConstExpr Init);

internal enum SegmentMode : byte
{
    Active,
    Passive,
    Declarative,
}

internal sealed class ElementInfo
{
    public SegmentMode Mode { get; init; }

    public int Table { get; init; }

    public ConstExpr? Offset { get; init; }

    public ValueKind Kind { get; init; }

    public required ConstExpr[] Items { get; init; }
}

internal sealed class DataInfo
{
    public SegmentMode Mode { get; init; }

    public ConstExpr? Offset { get; init; }

    public required byte[] Bytes { get; init; }
}

/// <summary>One decoded instruction: opcode (0xFC-prefixed ops are 0x100 + sub-opcode) and immediates.</summary>
internal struct Instr
{
    public ushort Op;
    public int A;
    public int B;
    public long C;
}

internal sealed class FunctionBody
{
    public required ValueKind[] Locals { get; init; }

    public required int Offset { get; init; }

    public required int End { get; init; }

    public required Instr[] Code { get; set; }

    public List<FuncType> BlockTypes { get; } = new();

    public List<int[]> BrTables { get; } = new();

    public int MaxStack { get; set; }
}

/// <summary>Everything the decoder read from a module binary.</summary>
internal sealed class ModuleInfo
{
    public List<FuncType> Types { get; } = new();

    public List<ImportInfo> Imports { get; } = new();

    /// <summary>Type index of every function (imports first).</summary>
    public List<int> FunctionTypes { get; } = new();

    public List<TableType> Tables { get; } = new();

    public List<Limits> Memories { get; } = new();

    public List<GlobalType> GlobalTypes { get; } = new();

    public List<GlobalInfo> Globals { get; } = new();

    public List<ExportInfo> Exports { get; } = new();

    public int? Start { get; set; }

    public List<ElementInfo> Elements { get; } = new();

    public List<DataInfo> Data { get; } = new();

    public int? DataCount { get; set; }

    public List<FunctionBody> Bodies { get; } = new();

    public int ImportedFunctions { get; set; }

    public int ImportedTables { get; set; }

    public int ImportedMemories { get; set; }

    public int ImportedGlobals { get; set; }

    /// <summary>Functions that may be referenced by <c>ref.func</c> in function bodies.</summary>
    public HashSet<int> DeclaredRefs { get; } = new();
}
