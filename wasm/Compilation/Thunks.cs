// Design note: glue code generated per signature. Host trampolines are static methods (params..., object ctx)
// so compiled wasm can call a host function through the same calli as a wasm function; invokers are
// DynamicMethods that let the host call any Function from untyped WasmValue arrays.
using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm.Compilation;

internal delegate void UntypedInvoker(Function f, WasmValue[] args, WasmValue[] results, int depthLeft, long fuel);

/// <summary>Per-engine cache of host trampolines and untyped invokers.</summary>
internal sealed class Thunks
{
    private static readonly ConstructorInfo ValueCtor = typeof(WasmValue).GetConstructor(new[] { typeof(ValueKind), typeof(long), typeof(object) })!;
    private static readonly MethodInfo ValueBits = typeof(WasmValue).GetProperty(nameof(WasmValue.Bits))!.GetMethod!;
    private static readonly MethodInfo ValueRef = typeof(WasmValue).GetProperty(nameof(WasmValue.Reference))!.GetMethod!;

    private readonly ConcurrentDictionary<FuncType, UntypedInvoker> invokers = new();
    private readonly ConcurrentDictionary<Type, IntPtr> typedTrampolines = new();
    private readonly ConcurrentDictionary<FuncType, IntPtr> untypedTrampolines = new();
    private readonly object gate = new();
    private ModuleBuilder? module;
    private int count;

    public UntypedInvoker Get(FuncType t) => invokers.GetOrAdd(t, BuildInvoker);

    private static void EmitFromBits(ILGenerator il, ValueKind k)
    {
        switch (k)
        {
            case ValueKind.Int32:
                il.Emit(OpCodes.Conv_I4);
                break;
            case ValueKind.Float32:
                il.Emit(OpCodes.Conv_I4);
                il.Emit(OpCodes.Call, Members.BitsToSingle);
                break;
            case ValueKind.Float64:
                il.Emit(OpCodes.Call, Members.BitsToDouble);
                break;
        }
    }

    private static void EmitToBits(ILGenerator il, ValueKind k)
    {
        switch (k)
        {
            case ValueKind.Int32:
                il.Emit(OpCodes.Conv_U8);
                break;
            case ValueKind.Float32:
                il.Emit(OpCodes.Call, Members.SingleToBits);
                il.Emit(OpCodes.Conv_U8);
                break;
            case ValueKind.Float64:
                il.Emit(OpCodes.Call, Members.DoubleToBits);
                break;
        }
    }

    /// <summary>Emits "new WasmValue(kind, bits, ref)" from the typed value on the IL stack.</summary>
    private static void EmitBox(ILGenerator il, ValueKind k, LocalBuilder tmpObj)
    {
        if (FunctionCompiler.IsRef(k))
        {
            il.Emit(OpCodes.Stloc, tmpObj);
            il.Emit(OpCodes.Ldc_I4, (int)k);
            il.Emit(OpCodes.Ldc_I8, 0L);
            il.Emit(OpCodes.Ldloc, tmpObj);
        }
        else
        {
            EmitToBits(il, k);
            var tmp = il.DeclareLocal(typeof(long));
            il.Emit(OpCodes.Stloc, tmp);
            il.Emit(OpCodes.Ldc_I4, (int)k);
            il.Emit(OpCodes.Ldloc, tmp);
            il.Emit(OpCodes.Ldnull);
        }

        il.Emit(OpCodes.Newobj, ValueCtor);
    }

    private static UntypedInvoker BuildInvoker(FuncType t)
    {
        var dm = new DynamicMethod("invoke", typeof(void), new[] { typeof(Function), typeof(WasmValue[]), typeof(WasmValue[]), typeof(int), typeof(long) }, typeof(Thunks).Module, true);
        var il = dm.GetILGenerator();
        var ps = t.ParamArray;
        for (var i = 0; i < ps.Length; i++)
        {
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelema, typeof(WasmValue));
            if (FunctionCompiler.IsRef(ps[i]))
            {
                il.Emit(OpCodes.Call, ValueRef);
            }
            else
            {
                il.Emit(OpCodes.Call, ValueBits);
                EmitFromBits(il, ps[i]);
            }
        }

        il.Emit(OpCodes.Ldarg, 4);
        il.Emit(OpCodes.Ldarg_3);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, Members.FunctionCtx);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, Members.FunctionCode);
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, FunctionCompiler.CalliReturn(t), FunctionCompiler.CalliParams(t), null);
        var rs = t.ResultArray;
        var tmpObj = il.DeclareLocal(typeof(object));
        if (rs.Length == 1)
        {
            var tmp = il.DeclareLocal(FunctionCompiler.ClrType(rs[0]));
            il.Emit(OpCodes.Stloc, tmp);
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ldloc, tmp);
            EmitBox(il, rs[0], tmpObj);
            il.Emit(OpCodes.Stelem, typeof(WasmValue));
        }
        else if (rs.Length > 1)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Call, typeof(Thunks).GetMethod(nameof(CollectResults), BindingFlags.NonPublic | BindingFlags.Static)!);
        }

        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate<UntypedInvoker>();
    }

    private static void CollectResults(Function f, WasmValue[] results)
    {
        var rs = f.Type.ResultArray;
        var bits = Ops.ResultBits(rs.Length);
        var refs = Ops.ResultRefs(rs.Length);
        for (var i = 0; i < rs.Length; i++)
        {
            results[i] = FunctionCompiler.IsRef(rs[i])
                ? WasmValue.FromReference(rs[i], refs[i])
                : new WasmValue(rs[i], rs[i] is ValueKind.Int32 or ValueKind.Float32 ? (uint)bits[i] : bits[i], null);
        }
    }

    /// <summary>Stores multi-value host results where compiled callers read them.</summary>
    internal static void SpillResults(WasmValue[] results)
    {
        var bits = Ops.ResultBits(results.Length);
        var refs = Ops.ResultRefs(results.Length);
        for (var i = 0; i < results.Length; i++)
        {
            bits[i] = results[i].Bits;
            refs[i] = results[i].Reference;
        }
    }

    private TypeBuilder NewType()
    {
        module ??= ModuleCompilation.NewModuleBuilder("WasmHostThunks");
        return module.DefineType("HostThunk" + Interlocked.Increment(ref count), TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
    }

    /// <summary>Trampoline for a typed delegate (Func/Action over int, long, float, double).</summary>
    public IntPtr TypedTrampoline(Type delegateType, FuncType t)
    {
        return typedTrampolines.GetOrAdd(delegateType, _ =>
        {
            lock (gate)
            {
                var tb = NewType();
                var mb = tb.DefineMethod("Call", MethodAttributes.Public | MethodAttributes.Static, FunctionCompiler.CalliReturn(t), FunctionCompiler.CalliParams(t));
                var il = mb.GetILGenerator();
                var n = t.ParamArray.Length;
                il.Emit(OpCodes.Ldarg, n + 2);
                il.Emit(OpCodes.Castclass, typeof(HostCallable));
                il.Emit(OpCodes.Ldfld, typeof(HostCallable).GetField(nameof(HostCallable.Typed))!);
                il.Emit(OpCodes.Castclass, delegateType);
                for (var i = 0; i < n; i++)
                {
                    il.Emit(OpCodes.Ldarg, i);
                }

                il.Emit(OpCodes.Callvirt, delegateType.GetMethod("Invoke")!);
                il.Emit(OpCodes.Ret);
                var type = tb.CreateType();
                return type.GetMethod("Call")!.MethodHandle.GetFunctionPointer();
            }
        });
    }

    /// <summary>Trampoline for an untyped host callback of signature <paramref name="t"/>.</summary>
    public IntPtr UntypedTrampoline(FuncType t)
    {
        return untypedTrampolines.GetOrAdd(t, _ =>
        {
            lock (gate)
            {
                var tb = NewType();
                var mb = tb.DefineMethod("Call", MethodAttributes.Public | MethodAttributes.Static, FunctionCompiler.CalliReturn(t), FunctionCompiler.CalliParams(t));
                var il = mb.GetILGenerator();
                var ps = t.ParamArray;
                var args = il.DeclareLocal(typeof(WasmValue[]));
                var tmpObj = il.DeclareLocal(typeof(object));
                il.Emit(OpCodes.Ldc_I4, ps.Length);
                il.Emit(OpCodes.Newarr, typeof(WasmValue));
                il.Emit(OpCodes.Stloc, args);
                for (var i = 0; i < ps.Length; i++)
                {
                    il.Emit(OpCodes.Ldloc, args);
                    il.Emit(OpCodes.Ldc_I4, i);
                    il.Emit(OpCodes.Ldarg, i);
                    EmitBox(il, ps[i], tmpObj);
                    il.Emit(OpCodes.Stelem, typeof(WasmValue));
                }

                il.Emit(OpCodes.Ldarg, ps.Length + 2);
                il.Emit(OpCodes.Castclass, typeof(HostCallable));
                il.Emit(OpCodes.Ldloc, args);
                il.Emit(OpCodes.Call, typeof(HostCallable).GetMethod(nameof(HostCallable.InvokeUntyped))!);
                var rs = t.ResultArray;
                if (rs.Length == 1)
                {
                    il.Emit(OpCodes.Ldc_I4_0);
                    il.Emit(OpCodes.Ldelema, typeof(WasmValue));
                    if (FunctionCompiler.IsRef(rs[0]))
                    {
                        il.Emit(OpCodes.Call, ValueRef);
                    }
                    else
                    {
                        il.Emit(OpCodes.Call, ValueBits);
                        EmitFromBits(il, rs[0]);
                    }
                }
                else if (rs.Length > 1)
                {
                    il.Emit(OpCodes.Call, typeof(Thunks).GetMethod(nameof(SpillResults), BindingFlags.NonPublic | BindingFlags.Static)!);
                }
                else
                {
                    il.Emit(OpCodes.Pop);
                }

                il.Emit(OpCodes.Ret);
                var type = tb.CreateType();
                return type.GetMethod("Call")!.MethodHandle.GetFunctionPointer();
            }
        });
    }
}
