using System.Reflection.Emit;
using Marketplace.Wasm.Decoding;
using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm.Compilation;

/// <summary>Instruction dispatch and control flow.</summary>
internal sealed partial class FunctionCompiler
{
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
