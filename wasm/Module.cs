using System.Security.Cryptography;
using Marketplace.Wasm.Compilation;
using Marketplace.Wasm.Decoding;

namespace Marketplace.Wasm;

/// <summary>A validated and compiled module; immutable and shareable across threads and stores.</summary>
public sealed class Module
{
    private Module(Engine engine, ModuleInfo info, Type code, IntPtr[] entries, int[] typeIds, string hash)
    {
        Engine = engine;
        Info = info;
        Code = code;
        Entries = entries;
        TypeIds = typeIds;
        Hash = hash;
        Imports = info.Imports.Select(i => new ModuleImport(i.Module, i.Name, (ExternType)i.Kind)).ToArray();
        Exports = info.Exports.Select(e => new ModuleExport(e.Name, (ExternType)e.Kind)).ToArray();
    }

    /// <summary>The engine that compiled it.</summary>
    public Engine Engine { get; }

    /// <summary>SHA-256 of the module bytes (hex), the cache key.</summary>
    public string Hash { get; }

    /// <summary>Declared imports.</summary>
    public IReadOnlyList<ModuleImport> Imports { get; }

    /// <summary>Declared exports.</summary>
    public IReadOnlyList<ModuleExport> Exports { get; }

    internal ModuleInfo Info { get; }

    internal Type Code { get; }

    internal IntPtr[] Entries { get; }

    internal int[] TypeIds { get; }

    /// <summary>Decodes, validates and compiles <paramref name="bytes"/>; returns the cached module for identical bytes.</summary>
    /// <exception cref="WasmValidationException">The module is malformed or invalid.</exception>
    public static Module FromBytes(Engine engine, ReadOnlySpan<byte> bytes)
    {
        var hash = Convert.ToHexString(SHA256.HashData(bytes));
        if (engine.ModuleCache.TryGetValue(hash, out var cached))
        {
            return cached;
        }

        var module = Compile(engine, bytes, hash);
        return engine.ModuleCache.GetOrAdd(hash, module);
    }

    /// <summary>Reads and loads a module file.</summary>
    public static Module FromFile(Engine engine, string path) => FromBytes(engine, File.ReadAllBytes(path));

    /// <summary>Decodes and validates without compiling or caching; returns null when valid, else the error.</summary>
    public static WasmValidationException? Validate(ReadOnlySpan<byte> bytes)
    {
        try
        {
            ModuleDecoder.Decode(bytes);
            return null;
        }
        catch (WasmValidationException e)
        {
            return e;
        }
    }

    internal static Module Compile(Engine engine, ReadOnlySpan<byte> bytes, string hash)
    {
        var info = ModuleDecoder.Decode(bytes);
        var typeIds = info.Types.Select(engine.TypeId).ToArray();
        var compilation = new ModuleCompilation(engine, info, typeIds);
        var (type, entries) = compilation.Compile();
        return new Module(engine, info, type, entries, typeIds, hash);
    }
}
