// Design note: the catalog of the WASI functions this host provides, with their core wasm signatures as witx lowers
// them (every pointer and size an i32, every 64-bit quantity an i64, every function but proc_exit returning an i32
// errno). It is the single list both sides use: WasiPreview1Host defines exactly these names, and the deploy check
// (Check) refuses a module that imports anything else, or one of these names with another signature, so a module
// that deploys always links. Sockets, fd_renumber and the like are left out on purpose: a module importing them is
// refused at deploy rather than failing at run time.

using System.Collections.Frozen;
using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>The <c>wasi_snapshot_preview1</c> functions this marketplace provides, and the deploy-time check of a
/// module's imports against them (see grains/Execution/Wasi/README.md).</summary>
internal static class WasiPreview1
{
    /// <summary>The import module name of WASI preview 1.</summary>
    public const string ModuleName = "wasi_snapshot_preview1";

    /// <summary>The linear memory a WASI module must export; host functions read and write guest data there.</summary>
    public const string MemoryExport = "memory";

    /// <summary>The entry point a WASI command exports.</summary>
    public const string StartExport = "_start";

    private const ValueKind I32 = ValueKind.Int32;
    private const ValueKind I64 = ValueKind.Int64;

    private static readonly FrozenDictionary<string, Signature> Functions = new Dictionary<string, Signature>(StringComparer.Ordinal)
    {
        ["args_get"] = Errno(I32, I32),
        ["args_sizes_get"] = Errno(I32, I32),
        ["environ_get"] = Errno(I32, I32),
        ["environ_sizes_get"] = Errno(I32, I32),
        ["clock_res_get"] = Errno(I32, I32),
        ["clock_time_get"] = Errno(I32, I64, I32),
        ["random_get"] = Errno(I32, I32),
        ["sched_yield"] = Errno(),
        ["poll_oneoff"] = Errno(I32, I32, I32, I32),
        ["proc_exit"] = new Signature([I32], []),
        ["proc_raise"] = Errno(I32),
        ["fd_read"] = Errno(I32, I32, I32, I32),
        ["fd_write"] = Errno(I32, I32, I32, I32),
        ["fd_close"] = Errno(I32),
        ["fd_seek"] = Errno(I32, I64, I32, I32),
        ["fd_tell"] = Errno(I32, I32),
        ["fd_fdstat_get"] = Errno(I32, I32),
        ["fd_fdstat_set_flags"] = Errno(I32, I32),
        ["fd_filestat_get"] = Errno(I32, I32),
        ["fd_prestat_get"] = Errno(I32, I32),
        ["fd_prestat_dir_name"] = Errno(I32, I32, I32),
        ["fd_pread"] = Errno(I32, I32, I32, I64, I32),
        ["fd_pwrite"] = Errno(I32, I32, I32, I64, I32),
        ["fd_sync"] = Errno(I32),
        ["fd_datasync"] = Errno(I32),
        ["fd_advise"] = Errno(I32, I64, I64, I32),
        ["fd_allocate"] = Errno(I32, I64, I64),
        ["fd_filestat_set_size"] = Errno(I32, I64),
        ["fd_filestat_set_times"] = Errno(I32, I64, I64, I32),
        ["fd_readdir"] = Errno(I32, I32, I32, I64, I32),
        ["path_open"] = Errno(I32, I32, I32, I32, I32, I64, I64, I32, I32),
        ["path_create_directory"] = Errno(I32, I32, I32),
        ["path_remove_directory"] = Errno(I32, I32, I32),
        ["path_unlink_file"] = Errno(I32, I32, I32),
        ["path_filestat_get"] = Errno(I32, I32, I32, I32, I32),
        ["path_filestat_set_times"] = Errno(I32, I32, I32, I32, I64, I64, I32),
        ["path_readlink"] = Errno(I32, I32, I32, I32, I32, I32),
        ["path_rename"] = Errno(I32, I32, I32, I32, I32, I32),
        ["path_link"] = Errno(I32, I32, I32, I32, I32, I32, I32),
        ["path_symlink"] = Errno(I32, I32, I32, I32, I32),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The names of every supported function, in ordinal order.</summary>
    public static IReadOnlyList<string> SupportedFunctions { get; } = [.. Functions.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Whether <paramref name="name"/> is a <c>wasi_snapshot_preview1</c> function this host provides.</summary>
    public static bool IsSupported(string name) => Functions.ContainsKey(name);

    /// <summary>The core wasm signature of a supported function, as the host defines it.</summary>
    /// <exception cref="KeyNotFoundException">The name is not supported.</exception>
    public static Signature SignatureOf(string name) => Functions[name];

    /// <summary>Whether the module imports anything from <c>wasi_snapshot_preview1</c>: the sign that it should run
    /// on this host rather than on the ONVM host ABI.</summary>
    public static bool ImportsWasi(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var import in module.Imports)
        {
            if (import.ModuleName == ModuleName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks that the module can run as a WASI command on this host: every import is a supported
    /// <c>wasi_snapshot_preview1</c> function with its exact signature, and it exports <c>memory</c> and a
    /// <c>_start</c> function of type <c>() -&gt; ()</c>.</summary>
    /// <returns>One message per problem, in import order then exports; empty when the module can run.</returns>
    public static IReadOnlyList<string> Check(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var problems = new List<string>();
        foreach (var import in module.Imports)
        {
            if (import.ModuleName != ModuleName)
            {
                problems.Add($"import {import.ModuleName}.{import.Name}: only {ModuleName} functions are provided to a WASI program");
            }
            else if (import is not FunctionImport function)
            {
                problems.Add($"import {ModuleName}.{import.Name}: not a function");
            }
            else if (!Functions.TryGetValue(import.Name, out var signature))
            {
                problems.Add($"import {ModuleName}.{import.Name}: not provided (the host has no files beyond stdio, no sockets; see the supported list)");
            }
            else if (!signature.Matches(function.Parameters, function.Results))
            {
                problems.Add($"import {ModuleName}.{import.Name}: signature {Signature.Describe(function.Parameters, function.Results)} differs from {signature}");
            }
        }

        var memory = false;
        var start = false;
        foreach (var export in module.Exports)
        {
            if (export.Name == MemoryExport && export is MemoryExport m)
            {
                memory = !m.Is64Bit;
            }
            else if (export.Name == StartExport && export is FunctionExport f)
            {
                start = f.Parameters.Count == 0 && f.Results.Count == 0;
            }
        }

        if (!memory)
        {
            problems.Add($"export {MemoryExport}: a WASI program must export its 32-bit linear memory as \"{MemoryExport}\"");
        }

        if (!start)
        {
            problems.Add($"export {StartExport}: a WASI command must export \"{StartExport}\" of type () -> ()");
        }

        return problems;
    }

    private static Signature Errno(params ValueKind[] parameters) => new(parameters, [I32]);

    /// <summary>A core wasm function type.</summary>
    /// <param name="Parameters">The parameter types.</param>
    /// <param name="Results">The result types (one i32 errno, or none for <c>proc_exit</c>).</param>
    internal sealed record Signature(ValueKind[] Parameters, ValueKind[] Results)
    {
        /// <summary>Whether the given types are exactly this signature.</summary>
        public bool Matches(IReadOnlyList<ValueKind> parameters, IReadOnlyList<ValueKind> results) =>
            parameters.SequenceEqual(Parameters) && results.SequenceEqual(Results);

        /// <inheritdoc />
        public override string ToString() => Describe(Parameters, Results);

        /// <summary>Formats a function type like <c>(i32, i64) -&gt; i32</c>.</summary>
        public static string Describe(IReadOnlyList<ValueKind> parameters, IReadOnlyList<ValueKind> results) =>
            $"({string.Join(", ", parameters.Select(Name))}) -> ({string.Join(", ", results.Select(Name))})";

        private static string Name(ValueKind kind) => kind switch
        {
            ValueKind.Int32 => "i32",
            ValueKind.Int64 => "i64",
            ValueKind.Float32 => "f32",
            ValueKind.Float64 => "f64",
            _ => kind.ToString(),
        };
    }
}
