using System.Text.Json;
using Marketplace.Wasm;

namespace Marketplace.Wasm.Tests;

/// <summary>Outcome of running one spec folder.</summary>
public sealed record SpecResult(string Folder, int Passed, int Failed, int Skipped, int KnownFailing, List<string> Failures);

/// <summary>Runs one wast2json script (see shared/wasm-spec/README.md) against the engine.</summary>
public sealed class SpecScript
{
    private readonly string dir;
    private readonly string folder;
    private readonly Engine engine;
    private readonly SpecLists lists;
    private readonly Dictionary<long, object> externs = new();
    private Store store = null!;
    private Linker linker = null!;
    private Instance? current;
    private readonly Dictionary<string, Instance> named = new();

    public SpecScript(string dir, Engine engine, SpecLists lists)
    {
        this.dir = dir;
        folder = Path.GetFileName(dir);
        this.engine = engine;
        this.lists = lists;
    }

    public SpecResult Run()
    {
        int passed = 0, failed = 0, skipped = 0, known = 0;
        var failures = new List<string>();
        foreach (var json in Directory.GetFiles(dir, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
            store = new Store(engine);
            if (engine.Config.FuelConsumption)
            {
                store.SetFuel(1_000_000_000_000);
            }
            linker = new Linker(engine);
            current = null;
            named.Clear();
            SpectestModule.Define(linker);
            foreach (var cmd in doc.RootElement.GetProperty("commands").EnumerateArray())
            {
                var type = cmd.GetProperty("type").GetString()!;
                var line = cmd.GetProperty("line").GetInt32();
                if (cmd.TryGetProperty("module_type", out var mt) && mt.GetString() == "text" && lists.IsSkipped(folder, type, "text"))
                {
                    skipped++;
                    continue;
                }

                string? error;
                try
                {
                    error = Execute(type, cmd);
                }
                catch (Exception e) when (e is WasmException or InvalidOperationException or ArgumentException or InvalidProgramException)
                {
                    error = $"unexpected {e.GetType().Name}: {e.Message}";
                }

                var isKnown = lists.IsKnownFailure(folder, line);
                if (error is null)
                {
                    if (isKnown)
                    {
                        failed++;
                        failures.Add($"{folder}:{line} {type}: listed as known failure but passes now (remove it from spec-known-failures.txt)");
                    }
                    else
                    {
                        passed++;
                    }
                }
                else if (isKnown)
                {
                    known++;
                }
                else
                {
                    failed++;
                    failures.Add($"{folder}:{line} {type}: {error}");
                }
            }
        }

        return new SpecResult(folder, passed, failed, skipped, known, failures);
    }

    private Module Load(JsonElement cmd) => Module.FromBytes(engine, File.ReadAllBytes(Path.Combine(dir, cmd.GetProperty("filename").GetString()!)));

    private string? Execute(string type, JsonElement cmd)
    {
        switch (type)
        {
            case "module":
                {
                    var module = Load(cmd);
                    current = linker.Instantiate(store, module);
                    if (cmd.TryGetProperty("name", out var name))
                    {
                        named[name.GetString()!] = current;
                    }

                    return null;
                }

            case "register":
                {
                    var inst = cmd.TryGetProperty("name", out var n) ? named[n.GetString()!] : current!;
                    linker.DefineInstance(cmd.GetProperty("as").GetString()!, inst);
                    return null;
                }

            case "action":
                Act(cmd.GetProperty("action"));
                return null;
            case "assert_return":
                {
                    var results = Act(cmd.GetProperty("action"));
                    var expected = cmd.GetProperty("expected").EnumerateArray().ToArray();
                    if (results.Length != expected.Length)
                    {
                        return $"expected {expected.Length} results, got {results.Length}";
                    }

                    for (var i = 0; i < results.Length; i++)
                    {
                        var why = Compare(expected[i], results[i]);
                        if (why is not null)
                        {
                            return $"result {i}: {why}";
                        }
                    }

                    return null;
                }

            case "assert_trap":
            case "assert_exhaustion":
                try
                {
                    if (cmd.TryGetProperty("action", out var action))
                    {
                        Act(action);
                    }
                    else
                    {
                        linker.Instantiate(store, Load(cmd));
                    }

                    return "expected a trap, but it returned";
                }
                catch (WasmTrap t)
                {
                    if (type == "assert_exhaustion" && t.Code != TrapCode.CallStackExhausted)
                    {
                        return $"expected call stack exhaustion, got {t.Code}";
                    }

                    return TrapMatches(cmd.GetProperty("text").GetString()!, t.Code) ? null : $"trap {t.Code} does not match '{cmd.GetProperty("text").GetString()}'";
                }

            case "assert_invalid":
            case "assert_malformed":
                try
                {
                    Load(cmd);
                    return "module was accepted";
                }
                catch (WasmValidationException)
                {
                    return null;
                }

            case "assert_unlinkable":
                try
                {
                    linker.Instantiate(store, Load(cmd));
                    return "module linked";
                }
                catch (WasmLinkException)
                {
                    return null;
                }

            case "assert_uninstantiable":
                try
                {
                    linker.Instantiate(store, Load(cmd));
                    return "module instantiated";
                }
                catch (WasmTrap)
                {
                    return null;
                }

            default:
                return $"unknown command type {type}";
        }
    }

    private static bool TrapMatches(string text, TrapCode code) => code switch
    {
        TrapCode.IntegerDivideByZero => text.Contains("divide by zero"),
        TrapCode.IntegerOverflow => text.Contains("overflow"),
        TrapCode.InvalidConversion => text.Contains("invalid conversion"),
        TrapCode.OutOfBoundsMemory => text.Contains("out of bounds memory"),
        TrapCode.OutOfBoundsTable => text.Contains("out of bounds table") || text.Contains("undefined element"),
        TrapCode.NullReference => text.Contains("uninitialized element") || text.Contains("null"),
        TrapCode.IndirectCallTypeMismatch => text.Contains("indirect call type mismatch"),
        TrapCode.Unreachable => text.Contains("unreachable"),
        TrapCode.CallStackExhausted => text.Contains("call stack exhausted") || text.Contains("exhaust"),
        _ => true,
    };

    private WasmValue[] Act(JsonElement action)
    {
        var inst = action.TryGetProperty("module", out var m) ? named[m.GetString()!] : current ?? throw new InvalidOperationException("no current module");
        var field = action.GetProperty("field").GetString()!;
        if (action.GetProperty("type").GetString() == "get")
        {
            var g = inst.GetGlobal(field) ?? throw new InvalidOperationException($"no global {field}");
            return new[] { g.GetValue() };
        }

        var f = inst.GetFunction(field) ?? throw new InvalidOperationException($"no function {field}");
        var args = action.GetProperty("args").EnumerateArray().Select(ParseValue).ToArray();
        return f.Invoke(args);
    }

    private object Extern(long n)
    {
        if (!externs.TryGetValue(n, out var o))
        {
            o = new object();
            externs[n] = o;
        }

        return o;
    }

    private WasmValue ParseValue(JsonElement v)
    {
        var type = v.GetProperty("type").GetString()!;
        var s = v.GetProperty("value").GetString()!;
        return type switch
        {
            "i32" => new WasmValue(ValueKind.Int32, (long)uint.Parse(s), null),
            "f32" => new WasmValue(ValueKind.Float32, (long)uint.Parse(s), null),
            "i64" => new WasmValue(ValueKind.Int64, (long)ulong.Parse(s), null),
            "f64" => new WasmValue(ValueKind.Float64, (long)ulong.Parse(s), null),
            "externref" => WasmValue.FromReference(ValueKind.ExternRef, s == "null" ? null : Extern(long.Parse(s))),
            "funcref" => WasmValue.FromReference(ValueKind.FuncRef, s == "null" ? null : throw new InvalidOperationException("funcref literal")),
            _ => throw new InvalidOperationException($"value type {type}"),
        };
    }

    private string? Compare(JsonElement expected, WasmValue actual)
    {
        var type = expected.GetProperty("type").GetString()!;
        var s = expected.GetProperty("value").GetString()!;
        switch (type)
        {
            case "i32":
            case "f32":
                {
                    if (actual.Kind != (type == "i32" ? ValueKind.Int32 : ValueKind.Float32))
                    {
                        return $"kind {actual.Kind}";
                    }

                    var bits = (uint)actual.Bits;
                    if (s == "nan:canonical")
                    {
                        return (bits & 0x7FFFFFFF) == 0x7FC00000 ? null : $"0x{bits:x8} is not a canonical NaN";
                    }

                    if (s == "nan:arithmetic")
                    {
                        return (bits & 0x7FC00000) == 0x7FC00000 ? null : $"0x{bits:x8} is not an arithmetic NaN";
                    }

                    return bits == uint.Parse(s) ? null : $"expected {s}, got {bits}";
                }

            case "i64":
            case "f64":
                {
                    if (actual.Kind != (type == "i64" ? ValueKind.Int64 : ValueKind.Float64))
                    {
                        return $"kind {actual.Kind}";
                    }

                    var bits = (ulong)actual.Bits;
                    if (s == "nan:canonical")
                    {
                        return (bits & 0x7FFFFFFFFFFFFFFF) == 0x7FF8000000000000 ? null : $"0x{bits:x16} is not a canonical NaN";
                    }

                    if (s == "nan:arithmetic")
                    {
                        return (bits & 0x7FF8000000000000) == 0x7FF8000000000000 ? null : $"0x{bits:x16} is not an arithmetic NaN";
                    }

                    return bits == ulong.Parse(s) ? null : $"expected {s}, got {bits}";
                }

            case "externref":
                if (actual.Kind != ValueKind.ExternRef)
                {
                    return $"kind {actual.Kind}";
                }

                return s == "null"
                    ? actual.Reference is null ? null : "expected null"
                    : ReferenceEquals(actual.Reference, Extern(long.Parse(s))) ? null : "different extern reference";
            case "funcref":
                if (actual.Kind != ValueKind.FuncRef)
                {
                    return $"kind {actual.Kind}";
                }

                return s == "null" ? (actual.Reference is null ? null : "expected null") : actual.Reference is not null ? null : "expected a function";
            default:
                return $"unknown expected type {type}";
        }
    }
}
