// Design note: one wasm function becomes one static CIL method (params..., InstanceContext ctx).
// Wasm locals are IL arguments/locals. The wasm operand stack is a virtual stack whose top entries live on the IL
// evaluation stack; at every control boundary (block, loop, if, else, end, br*) all entries are spilled to "slot"
// locals keyed by (depth, type), so every IL label is reached with an empty IL stack. Branches copy their values
// into the target's slots. Dead code (after br/return/unreachable) is not emitted.
// Fuel: each straight-line stretch (see FuelPlan) is charged once at its start: if the remaining fuel is below the
// stretch cost, the function traps with OutOfFuel before the stretch runs and the remaining fuel becomes 0.
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
        il.Emit(OpCodes.Call, Members.Op(nameof(Ops.OutOfFuel)));
        il.Emit(OpCodes.Throw);
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

    private void Step(Instr ins, int index)
    {
        var op = ins.Op;
        if (dead)
        {
            switch (op)
            {
                case 0x02 or 0x03 or 0x04:
                    deadNest++;
                    return;
                case 0x05 when deadNest == 0:
                    break;
                case 0x0B when deadNest > 0:
                    deadNest--;
                    return;
                case 0x0B:
                    break;
                default:
                    return;
            }
        }

        switch (op)
        {
            case 0x00:
                EmitTrap(TrapCode.Unreachable);
                dead = true;
                return;
            case 0x01:
                return;
            case 0x02:
                {
                    var bt = body.BlockTypes[ins.A];
                    Spill();
                    frames.Add(new CFrame { Kind = 0x02, Sig = bt, Height = vs.Count - bt.ParamArray.Length, End = il.DefineLabel() });
                    return;
                }

            case 0x03:
                {
                    var bt = body.BlockTypes[ins.A];
                    Spill();
                    var f = new CFrame { Kind = 0x03, Sig = bt, Height = vs.Count - bt.ParamArray.Length, Header = il.DefineLabel() };
                    frames.Add(f);
                    il.MarkLabel(f.Header);
                    Charge(index + 1, check: true);
                    return;
                }

            case 0x04:
                {
                    var bt = body.BlockTypes[ins.A];
                    Need(1);
                    il.Emit(OpCodes.Stloc, I32A);
                    Drop(1);
                    Spill();
                    var f = new CFrame { Kind = 0x04, Sig = bt, Height = vs.Count - bt.ParamArray.Length, End = il.DefineLabel(), Else = il.DefineLabel() };
                    frames.Add(f);
                    il.Emit(OpCodes.Ldloc, I32A);
                    il.Emit(OpCodes.Brfalse, f.Else);
                    Charge(index + 1);
                    return;
                }

            case 0x05:
                {
                    var f = frames[^1];
                    if (!dead)
                    {
                        Spill();
                        il.Emit(OpCodes.Br, f.End);
                    }

                    il.MarkLabel(f.Else);
                    f.Kind = 0x05;
                    vs.RemoveRange(f.Height, vs.Count - f.Height);
                    PushSpilled(f.Sig.ParamArray);
                    dead = false;
                    Charge(index + 1);
                    return;
                }

            case 0x0B:
                EndFrame(index);
                return;
            case 0x0C:
                {
                    var target = Frame(ins.A);
                    Spill();
                    CopyToTarget(target);
                    il.Emit(OpCodes.Br, target.Target);
                    dead = true;
                    return;
                }

            case 0x0D:
                {
                    var target = Frame(ins.A);
                    Need(1);
                    il.Emit(OpCodes.Stloc, I32A);
                    Drop(1);
                    Spill();
                    il.Emit(OpCodes.Ldloc, I32A);
                    if (NeedsCopy(target))
                    {
                        var skipBr = il.DefineLabel();
                        il.Emit(OpCodes.Brfalse, skipBr);
                        CopyToTarget(target);
                        il.Emit(OpCodes.Br, target.Target);
                        il.MarkLabel(skipBr);
                    }
                    else
                    {
                        il.Emit(OpCodes.Brtrue, target.Target);
                    }

                    Charge(index + 1);
                    return;
                }

            case 0x0E:
                BrTable(body.BrTables[ins.A]);
                return;
            case 0x0F:
                EmitReturn();
                dead = true;
                return;
            case 0x10:
                Call(ins.A);
                return;
            case 0x11:
                CallIndirect(ins.A, ins.B);
                return;
            case 0x1A:
                if (vs[^1].OnIl)
                {
                    il.Emit(OpCodes.Pop);
                }

                Drop(1);
                return;
            case 0x1B:
                {
                    var k = TopKind(1);
                    Need(3);
                    il.Emit(OpCodes.Stloc, I32A);
                    il.Emit(OpCodes.Stloc, Temp(k, true));
                    il.Emit(OpCodes.Stloc, Temp(k));
                    var useB = il.DefineLabel();
                    var done = il.DefineLabel();
                    il.Emit(OpCodes.Ldloc, I32A);
                    il.Emit(OpCodes.Brfalse, useB);
                    il.Emit(OpCodes.Ldloc, Temp(k));
                    il.Emit(OpCodes.Br, done);
                    il.MarkLabel(useB);
                    il.Emit(OpCodes.Ldloc, Temp(k, true));
                    il.MarkLabel(done);
                    Consume(3, k);
                    return;
                }

            case 0x20:
                LoadLocal(ins.A);
                Push(localKinds[ins.A]);
                return;
            case 0x21:
                Need(1);
                StoreLocal(ins.A);
                Drop(1);
                return;
            case 0x22:
                Need(1);
                il.Emit(OpCodes.Dup);
                StoreLocal(ins.A);
                return;
            case 0x23:
                {
                    var k = mc.Module.GlobalTypes[ins.A].Kind;
                    LoadGlobalCell(ins.A);
                    if (IsRef(k))
                    {
                        il.Emit(OpCodes.Ldfld, Members.GlobalRef);
                    }
                    else
                    {
                        il.Emit(OpCodes.Ldfld, Members.GlobalBits);
                        FromBits(k);
                    }

                    Push(k);
                    return;
                }

            case 0x24:
                {
                    var k = mc.Module.GlobalTypes[ins.A].Kind;
                    Need(1);
                    il.Emit(OpCodes.Stloc, Temp(k));
                    Drop(1);
                    LoadGlobalCell(ins.A);
                    il.Emit(OpCodes.Ldloc, Temp(k));
                    if (IsRef(k))
                    {
                        il.Emit(OpCodes.Stfld, Members.GlobalRef);
                    }
                    else
                    {
                        ToBits(k);
                        il.Emit(OpCodes.Stfld, Members.GlobalBits);
                    }

                    return;
                }

            case 0x25:
                Need(1);
                SyncFuel();
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                il.Emit(OpCodes.Call, Members.Op(nameof(Ops.TableGet)));
                Consume(1, mc.Module.Tables[ins.A].ElementKind);
                return;
            case 0x26:
                Need(2);
                SyncFuel();
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                il.Emit(OpCodes.Call, Members.Op(nameof(Ops.TableSet)));
                Consume(2, null);
                return;
            case >= 0x28 and <= 0x35:
                Load(op, ins.C);
                return;
            case >= 0x36 and <= 0x3E:
                Store(op, ins.C);
                return;
            case 0x3F:
                il.Emit(OpCodes.Ldloc, memLen!);
                il.Emit(OpCodes.Ldc_I4, 16);
                il.Emit(OpCodes.Shr_Un);
                il.Emit(OpCodes.Conv_I4);
                Push(ValueKind.Int32);
                return;
            case 0x40:
                Need(1);
                SyncFuel();
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Call, Members.Op(nameof(Ops.MemoryGrow)));
                Consume(1, ValueKind.Int32);
                ReloadMemory();
                return;
            case 0x41:
                il.Emit(OpCodes.Ldc_I4, (int)ins.C);
                Push(ValueKind.Int32);
                return;
            case 0x42:
                il.Emit(OpCodes.Ldc_I8, ins.C);
                Push(ValueKind.Int64);
                return;
            case 0x43:
                {
                    var bits = (int)ins.C;
                    var f = BitConverter.Int32BitsToSingle(bits);
                    if (float.IsNaN(f))
                    {
                        il.Emit(OpCodes.Ldc_I4, bits);
                        il.Emit(OpCodes.Call, Members.Op(nameof(Ops.F32FromBits)));
                    }
                    else
                    {
                        il.Emit(OpCodes.Ldc_R4, f);
                    }

                    Push(ValueKind.Float32);
                    return;
                }

            case 0x44:
                il.Emit(OpCodes.Ldc_R8, BitConverter.Int64BitsToDouble(ins.C));
                Push(ValueKind.Float64);
                return;
            case >= 0x45 and <= 0xC4:
                Numeric(op);
                return;
            case 0xD0:
                il.Emit(OpCodes.Ldnull);
                Push((ValueKind)ins.A);
                return;
            case 0xD1:
                Need(1);
                il.Emit(OpCodes.Ldnull);
                il.Emit(OpCodes.Ceq);
                Consume(1, ValueKind.Int32);
                return;
            case 0xD2:
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldfld, Members.CtxFunctions);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                il.Emit(OpCodes.Ldelem_Ref);
                Push(ValueKind.FuncRef);
                return;
            default:
                Prefixed(ins);
                return;
        }
    }

    private void LoadGlobalCell(int index)
    {
        il.Emit(OpCodes.Ldarg, CtxArg);
        il.Emit(OpCodes.Ldfld, Members.CtxGlobals);
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldelem_Ref);
    }

    private void EndFrame(int index)
    {
        var f = frames[^1];
        if (f.Kind == 0x03)
        {
            frames.RemoveAt(frames.Count - 1);
            if (dead)
            {
                // Nothing branches to a loop's end: the code after it stays dead until the enclosing frame ends.
                vs.RemoveRange(f.Height, vs.Count - f.Height);
                PushSpilled(f.Sig.ResultArray);
            }

            return;
        }

        if (!dead)
        {
            Spill();
        }

        if (f.Kind == 0x04)
        {
            il.MarkLabel(f.Else);
        }

        il.MarkLabel(f.End);
        vs.RemoveRange(f.Height, vs.Count - f.Height);
        PushSpilled(f.Sig.ResultArray);
        dead = false;
        frames.RemoveAt(frames.Count - 1);
        if (frames.Count == 0)
        {
            EmitReturn();
            return;
        }

        Charge(index + 1);
    }

    private void BrTable(int[] targets)
    {
        Need(1);
        il.Emit(OpCodes.Stloc, I32A);
        Drop(1);
        Spill();
        var labels = new Label[targets.Length - 1];
        var stubs = new List<(Label Stub, CFrame Target)>();
        Label LabelFor(int depth)
        {
            var t = Frame(depth);
            if (!NeedsCopy(t))
            {
                return t.Target;
            }

            var stub = il.DefineLabel();
            stubs.Add((stub, t));
            return stub;
        }

        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = LabelFor(targets[i]);
        }

        var defaultLabel = LabelFor(targets[^1]);
        il.Emit(OpCodes.Ldloc, I32A);
        il.Emit(OpCodes.Switch, labels);
        il.Emit(OpCodes.Br, defaultLabel);
        foreach (var (stub, target) in stubs)
        {
            il.MarkLabel(stub);
            CopyToTarget(target);
            il.Emit(OpCodes.Br, target.Target);
        }

        dead = true;
    }

    private void Call(int funcIndex)
    {
        var t = mc.Module.Types[mc.Module.FunctionTypes[funcIndex]];
        Need(t.ParamArray.Length);
        if (funcIndex >= mc.Module.ImportedFunctions)
        {
            // Direct wasm call: fuel and depth travel as arguments; the callee writes fuel back when it returns.
            PushFuel();
            PushCalleeDepth();
            il.Emit(OpCodes.Ldarg, CtxArg);
            il.Emit(OpCodes.Call, mc.Methods[funcIndex - mc.Module.ImportedFunctions]);
        }
        else
        {
            fnTmp ??= il.DeclareLocal(typeof(Function));
            il.Emit(OpCodes.Ldarg, CtxArg);
            il.Emit(OpCodes.Ldfld, Members.CtxFunctions);
            il.Emit(OpCodes.Ldc_I4, funcIndex);
            il.Emit(OpCodes.Ldelem_Ref);
            il.Emit(OpCodes.Stloc, fnTmp);
            EmitCalliThroughFnTmp(t);
        }

        Drop(t.ParamArray.Length);
        PushResults(t.ResultArray);
        AfterCall();
    }

    private void CallIndirect(int typeIndex, int table)
    {
        var t = mc.Module.Types[typeIndex];
        Need(t.ParamArray.Length + 1);
        SyncFuel();
        fnTmp ??= il.DeclareLocal(typeof(Function));
        il.Emit(OpCodes.Ldarg, CtxArg);
        il.Emit(OpCodes.Ldc_I4, table);
        il.Emit(OpCodes.Ldc_I4, mc.TypeIds[typeIndex]);
        il.Emit(OpCodes.Call, Members.Op(nameof(Ops.ResolveIndirect)));
        il.Emit(OpCodes.Stloc, fnTmp);
        EmitCalliThroughFnTmp(t);
        Drop(t.ParamArray.Length + 1);
        PushResults(t.ResultArray);
        AfterCall();
    }
}
