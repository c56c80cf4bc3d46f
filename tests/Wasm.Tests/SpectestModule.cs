using Marketplace.Wasm;

namespace Marketplace.Wasm.Tests;

/// <summary>The <c>spectest</c> host module the spec scripts import (print functions, globals, a table, a memory).</summary>
internal static class SpectestModule
{
    public static void Define(Linker linker)
    {
        linker.DefineFunction("spectest", "print", () => { });
        linker.DefineFunction("spectest", "print_i32", (int _) => { });
        linker.DefineFunction("spectest", "print_i64", (long _) => { });
        linker.DefineFunction("spectest", "print_f32", (float _) => { });
        linker.DefineFunction("spectest", "print_f64", (double _) => { });
        linker.DefineFunction("spectest", "print_i32_f32", (int _, float _) => { });
        linker.DefineFunction("spectest", "print_f64_f64", (double _, double _) => { });
        linker.Define("spectest", "global_i32", new Global(ValueKind.Int32, false, WasmValue.FromInt32(666)));
        linker.Define("spectest", "global_i64", new Global(ValueKind.Int64, false, WasmValue.FromInt64(666)));
        linker.Define("spectest", "global_f32", new Global(ValueKind.Float32, false, WasmValue.FromSingle(666.6f)));
        linker.Define("spectest", "global_f64", new Global(ValueKind.Float64, false, WasmValue.FromDouble(666.6)));
        linker.Define("spectest", "table", new Table(ValueKind.FuncRef, 10, 20));
        linker.Define("spectest", "memory", new Memory(1, 2));
    }
}
