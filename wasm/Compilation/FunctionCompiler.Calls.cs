using System.Reflection;
using System.Reflection.Emit;
using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm.Compilation;

/// <summary>Branch value transfer, returns and calls.</summary>
internal sealed partial class FunctionCompiler
{
    // ---- control ----
    private void CopyToTarget(CFrame target)
    {
        var types = target.BranchTypes;
        var src = vs.Count - types.Length;
        var dst = target.Height;
        if (src == dst)
        {
            return;
        }

        for (var i = 0; i < types.Length; i++)
        {
            il.Emit(OpCodes.Ldloc, Slot(src + i, types[i]));
            il.Emit(OpCodes.Stloc, Slot(dst + i, types[i]));
        }
    }

    private bool NeedsCopy(CFrame target) => target.BranchTypes.Length > 0 && vs.Count - target.BranchTypes.Length != target.Height;

    private CFrame Frame(int depth) => frames[frames.Count - 1 - depth];

    private void EmitReturn()
    {
        Spill();
        CheckFuel();
        var results = type.ResultArray;
        var baseIndex = vs.Count - results.Length;
        if (results.Length == 1)
        {
            il.Emit(OpCodes.Ldloc, Slot(baseIndex, results[0]));
        }
        else if (results.Length > 1)
        {
            var hasNum = results.Any(r => !IsRef(r));
            var hasRef = results.Any(IsRef);
            LocalBuilder? bits = null, refs = null;
            if (hasNum)
            {
                bits = il.DeclareLocal(typeof(long[]));
                il.Emit(OpCodes.Ldc_I4, results.Length);
                il.Emit(OpCodes.Call, Members.Op(nameof(Ops.ResultBits)));
                il.Emit(OpCodes.Stloc, bits);
            }

            if (hasRef)
            {
                refs = il.DeclareLocal(typeof(object[]));
                il.Emit(OpCodes.Ldc_I4, results.Length);
                il.Emit(OpCodes.Call, Members.Op(nameof(Ops.ResultRefs)));
                il.Emit(OpCodes.Stloc, refs);
            }

            for (var i = 0; i < results.Length; i++)
            {
                if (IsRef(results[i]))
                {
                    il.Emit(OpCodes.Ldloc, refs!);
                    il.Emit(OpCodes.Ldc_I4, i);
                    il.Emit(OpCodes.Ldloc, Slot(baseIndex + i, results[i]));
                    il.Emit(OpCodes.Stelem_Ref);
                }
                else
                {
                    il.Emit(OpCodes.Ldloc, bits!);
                    il.Emit(OpCodes.Ldc_I4, i);
                    il.Emit(OpCodes.Ldloc, Slot(baseIndex + i, results[i]));
                    ToBits(results[i]);
                    il.Emit(OpCodes.Stelem_I8);
                }
            }
        }

        SyncFuel();
        il.Emit(OpCodes.Ret);
    }

    /// <summary>Pushes call results after a call returned (single result on the IL stack, more from the result arrays).</summary>
    private void PushResults(ValueKind[] results)
    {
        if (results.Length == 1)
        {
            Push(results[0]);
            return;
        }

        if (results.Length == 0)
        {
            return;
        }

        for (var i = 0; i < results.Length; i++)
        {
            if (IsRef(results[i]))
            {
                il.Emit(OpCodes.Ldc_I4, results.Length);
                il.Emit(OpCodes.Call, Members.Op(nameof(Ops.ResultRefs)));
                il.Emit(OpCodes.Ldc_I4, i);
                il.Emit(OpCodes.Ldelem_Ref);
            }
            else
            {
                il.Emit(OpCodes.Ldc_I4, results.Length);
                il.Emit(OpCodes.Call, Members.Op(nameof(Ops.ResultBits)));
                il.Emit(OpCodes.Ldc_I4, i);
                il.Emit(OpCodes.Ldelem_I8);
                FromBits(results[i]);
            }

            Push(results[i]);
        }
    }

    internal static Type[] CalliParams(FuncType t)
    {
        var ps = new Type[t.ParamArray.Length + 3];
        for (var i = 0; i < t.ParamArray.Length; i++)
        {
            ps[i] = ClrType(t.ParamArray[i]);
        }

        ps[^3] = typeof(long);
        ps[^2] = typeof(int);
        ps[^1] = typeof(object);
        return ps;
    }

    internal static Type CalliReturn(FuncType t) => t.ResultArray.Length == 1 ? ClrType(t.ResultArray[0]) : typeof(void);

    private void PushFuel()
    {
        if (metered)
        {
            il.Emit(OpCodes.Ldloc, fuel!);
        }
        else
        {
            il.Emit(OpCodes.Ldc_I8, 0L);
        }
    }

    private void PushCalleeDepth()
    {
        il.Emit(OpCodes.Ldarg, DepthArg);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Sub);
    }

    /// <summary>Before calls that may reach the host: publish the depth so re-entrant calls continue counting.</summary>
    private void PublishDepth()
    {
        il.Emit(OpCodes.Ldloc, store);
        PushCalleeDepth();
        il.Emit(OpCodes.Stfld, Members.StoreDepth);
    }

    private void EmitCalliThroughFnTmp(FuncType t)
    {
        CheckFuel();
        SyncFuel();
        PublishDepth();
        PushFuel();
        PushCalleeDepth();
        il.Emit(OpCodes.Ldloc, fnTmp!);
        il.Emit(OpCodes.Ldfld, Members.FunctionCtx);
        il.Emit(OpCodes.Ldloc, fnTmp!);
        il.Emit(OpCodes.Ldfld, Members.FunctionCode);
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, CalliReturn(t), CalliParams(t), null);
    }
}
