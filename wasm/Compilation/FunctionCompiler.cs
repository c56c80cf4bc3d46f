// Design note: one wasm function becomes one static CIL method (params..., InstanceContext ctx).
// Wasm locals are IL arguments/locals. The wasm operand stack is a virtual stack whose top entries live on the IL
// evaluation stack; at every control boundary (block, loop, if, else, end, br*) all entries are spilled to "slot"
// locals keyed by (depth, type), so every IL label is reached with an empty IL stack. Branches copy their values
// into the target's slots. Dead code (after br/return/unreachable) is not emitted.
// Fuel: each straight-line stretch (see FuelPlan) is charged once at its start; the counter is checked at function
// entry, loop headers, returns and host-reaching calls; a negative counter calls Store.Refuel, which hands over the
// next slice of the budget or traps (OutOfFuel with remaining 0, or Interrupted after Store.Interrupt).
// Fuel and call depth travel as hidden arguments (..., long fuel, int depth, InstanceContext ctx).
using System.Reflection;
using System.Reflection.Emit;
using Marketplace.Wasm.Decoding;
using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm.Compilation;

internal sealed partial class FunctionCompiler
{
    private readonly ILGenerator il;
    private readonly ModuleCompilation mc;
    private readonly FunctionBody body;
    private readonly FuncType type;
    private readonly int nParams;
    private readonly ValueKind[] localKinds;
    private readonly LocalBuilder?[] ilLocals;
    private readonly List<Entry> vs = new();
    private readonly Dictionary<(int, ValueKind), LocalBuilder> slots = new();
    private readonly Dictionary<ValueKind, LocalBuilder> temps = new();
    private readonly Dictionary<ValueKind, LocalBuilder> temps2 = new();
    private readonly List<CFrame> frames = new();
    private readonly bool metered;
    private readonly bool canon;
    private readonly bool usesMemory;
    private readonly int[] stretchCost;
    private LocalBuilder store = null!;
    private LocalBuilder? fuel;
    private LocalBuilder? memBuf;
    private LocalBuilder? memLen;
    private LocalBuilder? ea;
    private LocalBuilder? fnTmp;
    private LocalBuilder? i32a;
    private LocalBuilder? i32b;
    private bool dead;
    private int deadNest;
    private int nextOp;

    private struct Entry
    {
        public ValueKind Kind;
        public bool OnIl;
    }

    private sealed class CFrame
    {
        public byte Kind;
        public FuncType Sig = null!;
        public int Height;
        public Label End;
        public Label Else;
        public Label Header;

        public ValueKind[] BranchTypes => Kind == 0x03 ? Sig.ParamArray : Sig.ResultArray;

        public Label Target => Kind == 0x03 ? Header : End;
    }

    public FunctionCompiler(ModuleCompilation mc, MethodBuilder method, FuncType type, FunctionBody body)
    {
        this.mc = mc;
        this.body = body;
        this.type = type;
        il = method.GetILGenerator();
        nParams = type.ParamArray.Length;
        localKinds = new ValueKind[nParams + body.Locals.Length];
        type.ParamArray.CopyTo(localKinds, 0);
        body.Locals.CopyTo(localKinds, nParams);
        ilLocals = new LocalBuilder?[localKinds.Length];
        metered = mc.Config.FuelConsumption;
        canon = mc.Config.NaNCanonicalization;
        foreach (var ins in body.Code)
        {
            if (ins.Op is >= 0x28 and <= 0x40 || ins.Op is 0x108 or 0x10A or 0x10B)
            {
                usesMemory = true;
                break;
            }
        }

        stretchCost = FuelPlan.StretchCosts(body.Code);
    }

    internal static Type ClrType(ValueKind k) => k switch
    {
        ValueKind.Int32 => typeof(int),
        ValueKind.Int64 => typeof(long),
        ValueKind.Float32 => typeof(float),
        ValueKind.Float64 => typeof(double),
        _ => typeof(object),
    };

    internal static bool IsRef(ValueKind k) => k is ValueKind.FuncRef or ValueKind.ExternRef;

    private int CtxArg => nParams + 2;

    /// <summary>Hidden argument: how many more nested wasm frames may start (this one included).</summary>
    private int DepthArg => nParams + 1;

    /// <summary>Hidden argument: the remaining fuel when the call starts (callers pass their local counter).</summary>
    private int FuelArg => nParams;

    public void Compile()
    {
        for (var i = nParams; i < localKinds.Length; i++)
        {
            ilLocals[i] = il.DeclareLocal(ClrType(localKinds[i]));
        }

        store = il.DeclareLocal(typeof(Store));
        il.Emit(OpCodes.Ldarg, CtxArg);
        il.Emit(OpCodes.Ldfld, Members.CtxStore);
        il.Emit(OpCodes.Stloc, store);

        if (metered)
        {
            fuel = il.DeclareLocal(typeof(long));
            il.Emit(OpCodes.Ldarg, FuelArg);
            il.Emit(OpCodes.Stloc, fuel);
        }

        // Call depth arrives as a hidden argument counting down by one per call; at multiples of 16 (every call for
        // big frames) the depth limit and the native stack are checked.
        var frameEstimate = (localKinds.Length + body.MaxStack) * 8;
        var skip = il.DefineLabel();
        if (frameEstimate <= 2048)
        {
            il.Emit(OpCodes.Ldarg, DepthArg);
            il.Emit(OpCodes.Ldc_I4, 15);
            il.Emit(OpCodes.And);
            il.Emit(OpCodes.Brtrue, skip);
        }

        SyncFuel();
        il.Emit(OpCodes.Ldarg, DepthArg);
        il.Emit(OpCodes.Call, Members.Op(nameof(Ops.CheckStack)));
        il.MarkLabel(skip);

        if (usesMemory)
        {
            memBuf = il.DeclareLocal(typeof(byte).MakeByRefType());
            memLen = il.DeclareLocal(typeof(long));
            ea = il.DeclareLocal(typeof(long));
            ReloadMemory();
        }

        var fnFrame = new CFrame { Kind = 0, Sig = new FuncType(Array.Empty<ValueKind>(), type.ResultArray), Height = 0, End = il.DefineLabel() };
        frames.Add(fnFrame);
        Charge(0, check: true);
        var code = body.Code;
        for (var i = 0; i < code.Length; i++)
        {
            nextOp = i + 1 < code.Length ? code[i + 1].Op : -1;
            Step(code[i], i);
        }
    }

    // ---- fuel and context reloads ----
    /// <summary>
    /// Charges a stretch. Checked stretches (function entry, loop headers) trap with OutOfFuel when the counter
    /// goes below zero; other stretches only subtract, and the counter is checked again before the function
    /// returns or calls anything that may reach the host, so no code path runs unmetered.
    /// </summary>
    private void Charge(int stretchStart, bool check = false)
    {
        if (!metered || stretchStart >= stretchCost.Length)
        {
            return;
        }

        var cost = stretchCost[stretchStart];
        if (cost <= 0)
        {
            if (check)
            {
                CheckFuel();
            }

            return;
        }

        il.Emit(OpCodes.Ldloc, fuel!);
        il.Emit(OpCodes.Ldc_I8, (long)cost);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Stloc, fuel!);
        if (check)
        {
            CheckFuel();
        }
    }

    private void CheckFuel()
    {
        if (!metered)
        {
            return;
        }

        var ok = il.DefineLabel();
        il.Emit(OpCodes.Ldloc, fuel!);
        il.Emit(OpCodes.Ldc_I8, 0L);
        il.Emit(OpCodes.Bge, ok);
        il.Emit(OpCodes.Ldloc, store);
        il.Emit(OpCodes.Ldloc, fuel!);
        il.Emit(OpCodes.Call, Members.Op(nameof(Ops.Refuel)));
        il.Emit(OpCodes.Stloc, fuel!);
        il.MarkLabel(ok);
    }

    /// <summary>Writes the fuel local back to the store (before anything that can call out, trap or return).</summary>
    private void SyncFuel()
    {
        if (!metered)
        {
            return;
        }

        il.Emit(OpCodes.Ldloc, store);
        il.Emit(OpCodes.Ldloc, fuel!);
        il.Emit(OpCodes.Stfld, Members.StoreFuel);
    }

    private void ReloadFuel()
    {
        if (!metered)
        {
            return;
        }

        il.Emit(OpCodes.Ldloc, store);
        il.Emit(OpCodes.Ldfld, Members.StoreFuel);
        il.Emit(OpCodes.Stloc, fuel!);
    }

    private void ReloadMemory()
    {
        if (!usesMemory)
        {
            return;
        }

        il.Emit(OpCodes.Ldarg, CtxArg);
        il.Emit(OpCodes.Ldfld, Members.CtxMemory);
        il.Emit(OpCodes.Ldfld, Members.MemoryBuffer);
        il.Emit(OpCodes.Call, Members.ArrayData);
        il.Emit(OpCodes.Stloc, memBuf!);
        il.Emit(OpCodes.Ldarg, CtxArg);
        il.Emit(OpCodes.Ldfld, Members.CtxMemory);
        il.Emit(OpCodes.Ldfld, Members.MemoryLength);
        il.Emit(OpCodes.Stloc, memLen!);
    }

    private void AfterCall()
    {
        ReloadFuel();
        ReloadMemory();
    }

    private void EmitTrap(TrapCode code)
    {
        SyncFuel();
        il.Emit(OpCodes.Ldc_I4, (int)code);
        il.Emit(OpCodes.Call, Members.Op(nameof(Ops.Trap)));
        il.Emit(OpCodes.Throw);
    }

    // ---- virtual stack ----
    private LocalBuilder Slot(int depth, ValueKind k)
    {
        if (!slots.TryGetValue((depth, k), out var l))
        {
            l = il.DeclareLocal(ClrType(k));
            slots[(depth, k)] = l;
        }

        return l;
    }

    private LocalBuilder Temp(ValueKind k, bool second = false)
    {
        var d = second ? temps2 : temps;
        if (!d.TryGetValue(k, out var l))
        {
            l = il.DeclareLocal(ClrType(k));
            d[k] = l;
        }

        return l;
    }

    private LocalBuilder I32A => i32a ??= il.DeclareLocal(typeof(int));

    private LocalBuilder I32B => i32b ??= il.DeclareLocal(typeof(int));

    /// <summary>Moves every IL-stack entry into its slot local.</summary>
    private void Spill()
    {
        for (var i = vs.Count - 1; i >= 0 && vs[i].OnIl; i--)
        {
            il.Emit(OpCodes.Stloc, Slot(i, vs[i].Kind));
            vs[i] = new Entry { Kind = vs[i].Kind, OnIl = false };
        }
    }

    /// <summary>Makes sure the top <paramref name="k"/> entries are on the IL stack, in order.</summary>
    private void Need(int k)
    {
        if (k == 0)
        {
            return;
        }

        var first = vs.Count - k;
        if (vs[first].OnIl)
        {
            return;
        }

        Spill();
        for (var i = first; i < vs.Count; i++)
        {
            il.Emit(OpCodes.Ldloc, Slot(i, vs[i].Kind));
            vs[i] = new Entry { Kind = vs[i].Kind, OnIl = true };
        }
    }

    private void Drop(int k) => vs.RemoveRange(vs.Count - k, k);

    /// <summary>Most values kept on the IL evaluation stack at once; beyond this they go to slot locals (JIT limits).</summary>
    private const int MaxIlStack = 64;

    private void Push(ValueKind k)
    {
        // The value to push is already on the IL stack; if the IL-resident run below it is long, spill the run
        // first by parking the new value in a temp local.
        var run = 0;
        for (var i = vs.Count - 1; i >= 0 && vs[i].OnIl && run <= MaxIlStack; i--)
        {
            run++;
        }

        if (run >= MaxIlStack)
        {
            var tmp = Temp(k, true);
            il.Emit(OpCodes.Stloc, tmp);
            Spill();
            il.Emit(OpCodes.Ldloc, tmp);
        }

        vs.Add(new Entry { Kind = k, OnIl = true });
    }

    private void PushSpilled(ValueKind[] kinds)
    {
        foreach (var k in kinds)
        {
            vs.Add(new Entry { Kind = k, OnIl = false });
        }
    }

    private ValueKind TopKind(int fromTop = 0) => vs[vs.Count - 1 - fromTop].Kind;

    private void Consume(int pops, ValueKind? push)
    {
        Drop(pops);
        if (push is { } k)
        {
            Push(k);
        }
    }

    private void LoadLocal(int index)
    {
        if (index < nParams)
        {
            il.Emit(OpCodes.Ldarg, index);
        }
        else
        {
            il.Emit(OpCodes.Ldloc, ilLocals[index]!);
        }
    }

    private void StoreLocal(int index)
    {
        if (index < nParams)
        {
            il.Emit(OpCodes.Starg, index);
        }
        else
        {
            il.Emit(OpCodes.Stloc, ilLocals[index]!);
        }
    }

    // ---- bits conversions (multi-value results and globals) ----
    private void ToBits(ValueKind k)
    {
        switch (k)
        {
            case ValueKind.Int32:
                il.Emit(OpCodes.Conv_I8);
                break;
            case ValueKind.Float32:
                il.Emit(OpCodes.Call, Members.SingleToBits);
                il.Emit(OpCodes.Conv_I8);
                break;
            case ValueKind.Float64:
                il.Emit(OpCodes.Call, Members.DoubleToBits);
                break;
        }
    }

    private void FromBits(ValueKind k)
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
}
