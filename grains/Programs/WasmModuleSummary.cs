// Design note: the engine's public Module lists imports and exports by name and kind only, and deploy needs their
// function signatures (the entrypoint shape, host-function types) and the memory's declared minimum. This reads just
// the type, import, function, memory and export sections of a module the engine has already validated; any
// structural surprise still ends in a ProgramRejectedException, never an IndexOutOfRange.

using Marketplace.GrainInterfaces;
using Marketplace.Wasm;

namespace Marketplace.Grains.Programs;

/// <summary>Imports and exports of a wasm module with function signatures.</summary>
internal sealed class WasmModuleSummary
{
    private WasmModuleSummary(List<Import> imports, List<Export> exports, long? memoryMinimumPages)
    {
        Imports = imports;
        Exports = exports;
        MemoryMinimumPages = memoryMinimumPages;
    }

    /// <summary>Declared imports; <see cref="Import.Type"/> is set for functions.</summary>
    public IReadOnlyList<Import> Imports { get; }

    /// <summary>Declared exports; <see cref="Export.Type"/> is set for functions.</summary>
    public IReadOnlyList<Export> Exports { get; }

    /// <summary>The minimum pages of the module's own (not imported) memory, if it defines one.</summary>
    public long? MemoryMinimumPages { get; }

    /// <summary>Reads the sections of a validated module.</summary>
    /// <exception cref="ProgramRejectedException">The bytes are not a well-formed module.</exception>
    public static WasmModuleSummary Read(ReadOnlySpan<byte> wasm)
    {
        var reader = new Reader(wasm);
        if (wasm.Length < 8 || !wasm[..8].SequenceEqual((ReadOnlySpan<byte>)[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
        {
            throw new ProgramRejectedException("module: not a WebAssembly 1.0 binary (bad magic or version)");
        }

        reader.Position = 8;
        var types = new List<FuncType>();
        var imports = new List<Import>();
        var functionTypes = new List<FuncType>();
        var exports = new List<Export>();
        long? memoryMin = null;
        while (!reader.AtEnd)
        {
            var id = reader.Byte();
            var size = (int)reader.U32();
            var end = reader.Position + size;
            if (size < 0 || end > wasm.Length)
            {
                throw new ProgramRejectedException("module: a section runs past the end of the module");
            }

            switch (id)
            {
                case 1:
                    for (var n = reader.U32(); n > 0; n--)
                    {
                        if (reader.Byte() != 0x60)
                        {
                            throw new ProgramRejectedException("module: malformed type section");
                        }

                        var ps = reader.ValueTypes();
                        var rs = reader.ValueTypes();
                        types.Add(new FuncType(ps, rs));
                    }

                    break;
                case 2:
                    for (var n = reader.U32(); n > 0; n--)
                    {
                        var module = reader.Name();
                        var name = reader.Name();
                        var kind = reader.Byte();
                        FuncType? type = null;
                        switch (kind)
                        {
                            case 0:
                                type = TypeAt(types, reader.U32());
                                functionTypes.Add(type);
                                break;
                            case 1:
                                reader.Byte();
                                reader.Limits();
                                break;
                            case 2:
                                reader.Limits();
                                break;
                            case 3:
                                reader.Byte();
                                reader.Byte();
                                break;
                            default:
                                throw new ProgramRejectedException("module: malformed import section");
                        }

                        imports.Add(new Import(module, name, (ExternType)kind, type));
                    }

                    break;
                case 3:
                    for (var n = reader.U32(); n > 0; n--)
                    {
                        functionTypes.Add(TypeAt(types, reader.U32()));
                    }

                    break;
                case 5:
                    if (reader.U32() > 0)
                    {
                        memoryMin = reader.Limits();
                    }

                    break;
                case 7:
                    for (var n = reader.U32(); n > 0; n--)
                    {
                        var name = reader.Name();
                        var kind = reader.Byte();
                        var index = reader.U32();
                        FuncType? type = null;
                        if (kind == 0)
                        {
                            type = index < functionTypes.Count
                                ? functionTypes[(int)index]
                                : throw new ProgramRejectedException($"module: export '{name}' names a missing function");
                        }

                        exports.Add(new Export(name, (ExternType)kind, type));
                    }

                    break;
            }

            reader.Position = end;
        }

        return new WasmModuleSummary(imports, exports, memoryMin);
    }

    private static FuncType TypeAt(List<FuncType> types, uint index) =>
        index < types.Count ? types[(int)index] : throw new ProgramRejectedException("module: a function names a missing type");

    /// <summary>One import.</summary>
    public sealed record Import(string Module, string Name, ExternType Kind, FuncType? Type);

    /// <summary>One export.</summary>
    public sealed record Export(string Name, ExternType Kind, FuncType? Type);

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; set; }

        public readonly bool AtEnd => Position >= _bytes.Length;

        public byte Byte() =>
            Position < _bytes.Length ? _bytes[Position++] : throw new ProgramRejectedException("module: unexpected end of the module");

        public uint U32()
        {
            uint result = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Byte();
                result |= (uint)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new ProgramRejectedException("module: malformed LEB128 integer");
        }

        public string Name()
        {
            var length = (int)U32();
            if (length < 0 || Position + length > _bytes.Length)
            {
                throw new ProgramRejectedException("module: a name runs past the end of the module");
            }

            var name = System.Text.Encoding.UTF8.GetString(_bytes.Slice(Position, length));
            Position += length;
            return name;
        }

        public ValueKind[] ValueTypes()
        {
            var n = U32();
            if (n > 1000)
            {
                throw new ProgramRejectedException("module: a function type has too many parameters or results");
            }

            var kinds = new ValueKind[n];
            for (var i = 0; i < n; i++)
            {
                kinds[i] = Byte() switch
                {
                    0x7f => ValueKind.Int32,
                    0x7e => ValueKind.Int64,
                    0x7d => ValueKind.Float32,
                    0x7c => ValueKind.Float64,
                    0x70 => ValueKind.FuncRef,
                    0x6f => ValueKind.ExternRef,
                    _ => throw new ProgramRejectedException("module: unsupported value type"),
                };
            }

            return kinds;
        }

        /// <summary>Reads limits and returns the minimum.</summary>
        public long Limits()
        {
            var flags = Byte();
            var min = U32();
            if ((flags & 1) != 0)
            {
                U32();
            }

            return min;
        }
    }
}
