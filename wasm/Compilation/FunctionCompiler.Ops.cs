using System.Reflection;
using System.Reflection.Emit;
using Marketplace.Wasm.Decoding;
using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm.Compilation;

/// <summary>Memory, numeric and 0xFC-prefixed instructions.</summary>
internal sealed partial class FunctionCompiler
{
    /// <summary>Address on the IL stack top: computes the effective address into <c>ea</c> and bounds-checks it.</summary>
    private void EffectiveAddress(long offset, int size)
    {
        il.Emit(OpCodes.Conv_U8);
        if (offset != 0)
        {
            il.Emit(OpCodes.Ldc_I8, offset);
            il.Emit(OpCodes.Add);
        }

        il.Emit(OpCodes.Stloc, ea!);
        var ok = il.DefineLabel();
        il.Emit(OpCodes.Ldloc, ea!);
        il.Emit(OpCodes.Ldc_I8, (long)size);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Ldloc, memLen!);
        il.Emit(OpCodes.Ble_Un, ok);
        EmitTrap(TrapCode.OutOfBoundsMemory);
        il.MarkLabel(ok);
        il.Emit(OpCodes.Ldloc, memBuf!);
        il.Emit(OpCodes.Ldloc, ea!);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Add);
    }

    private void Unaligned(int size)
    {
        if (size > 1)
        {
            il.Emit(OpCodes.Unaligned, (byte)1);
        }
    }

    private void Load(int op, long offset)
    {
        Need(1);
        var (size, result) = op switch
        {
            0x28 => (4, ValueKind.Int32),
            0x29 => (8, ValueKind.Int64),
            0x2A => (4, ValueKind.Float32),
            0x2B => (8, ValueKind.Float64),
            0x2C or 0x2D => (1, ValueKind.Int32),
            0x2E or 0x2F => (2, ValueKind.Int32),
            0x30 or 0x31 => (1, ValueKind.Int64),
            0x32 or 0x33 => (2, ValueKind.Int64),
            _ => (4, ValueKind.Int64),
        };
        EffectiveAddress(offset, size);
        Unaligned(size);
        switch (op)
        {
            case 0x28:
                il.Emit(OpCodes.Ldind_I4);
                break;
            case 0x29:
                il.Emit(OpCodes.Ldind_I8);
                break;
            case 0x2A:
                il.Emit(OpCodes.Ldind_R4);
                break;
            case 0x2B:
                il.Emit(OpCodes.Ldind_R8);
                break;
            case 0x2C:
                il.Emit(OpCodes.Ldind_I1);
                break;
            case 0x2D:
                il.Emit(OpCodes.Ldind_U1);
                break;
            case 0x2E:
                il.Emit(OpCodes.Ldind_I2);
                break;
            case 0x2F:
                il.Emit(OpCodes.Ldind_U2);
                break;
            case 0x30:
                il.Emit(OpCodes.Ldind_I1);
                il.Emit(OpCodes.Conv_I8);
                break;
            case 0x31:
                il.Emit(OpCodes.Ldind_U1);
                il.Emit(OpCodes.Conv_U8);
                break;
            case 0x32:
                il.Emit(OpCodes.Ldind_I2);
                il.Emit(OpCodes.Conv_I8);
                break;
            case 0x33:
                il.Emit(OpCodes.Ldind_U2);
                il.Emit(OpCodes.Conv_U8);
                break;
            case 0x34:
                il.Emit(OpCodes.Ldind_I4);
                il.Emit(OpCodes.Conv_I8);
                break;
            default:
                il.Emit(OpCodes.Ldind_U4);
                il.Emit(OpCodes.Conv_U8);
                break;
        }

        Consume(1, result);
    }

    private void Store(int op, long offset)
    {
        var k = TopKind();
        Need(2);
        var val = Temp(k);
        il.Emit(OpCodes.Stloc, val);
        var size = op switch
        {
            0x36 or 0x38 or 0x3E => 4,
            0x37 or 0x39 => 8,
            0x3A or 0x3C => 1,
            _ => 2,
        };
        EffectiveAddress(offset, size);
        il.Emit(OpCodes.Ldloc, val);
        if (k == ValueKind.Int64 && size < 8)
        {
            il.Emit(OpCodes.Conv_I4);
        }

        Unaligned(size);
        switch (op)
        {
            case 0x36 or 0x3E:
                il.Emit(OpCodes.Stind_I4);
                break;
            case 0x37:
                il.Emit(OpCodes.Stind_I8);
                break;
            case 0x38:
                il.Emit(OpCodes.Stind_R4);
                break;
            case 0x39:
                il.Emit(OpCodes.Stind_R8);
                break;
            case 0x3A or 0x3C:
                il.Emit(OpCodes.Stind_I1);
                break;
            default:
                il.Emit(OpCodes.Stind_I2);
                break;
        }

        Consume(2, null);
    }

    private void CallOp(string name)
    {
        // Helpers that can trap or charge fuel see the exact remaining fuel in the store.
        if (!name.StartsWith("Canon", StringComparison.Ordinal) && !name.StartsWith("Sat", StringComparison.Ordinal) &&
            !name.StartsWith("Quiet", StringComparison.Ordinal) &&
            name is not (nameof(Ops.MinF32) or nameof(Ops.MaxF32) or nameof(Ops.MinF64) or nameof(Ops.MaxF64) or nameof(Ops.AbsF32)
                or nameof(Ops.AbsF64) or nameof(Ops.NegF32) or nameof(Ops.NegF64) or nameof(Ops.CopySignF32) or nameof(Ops.CopySignF64)
                or nameof(Ops.NearestF32) or nameof(Ops.NearestF64) or nameof(Ops.U32ToF32) or nameof(Ops.U32ToF64)
                or nameof(Ops.S64ToF32) or nameof(Ops.U64ToF32) or nameof(Ops.U64ToF64) or nameof(Ops.F32FromBits)))
        {
            SyncFuel();
        }

        il.Emit(OpCodes.Call, Members.Op(name));
    }

    private void Not()
    {
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ceq);
    }

    // With canonicalization on, every arithmetic NaN becomes the canonical NaN. With it off, NaNs are at least
    // quieted: the JIT folds identities such as x*1 or x+(-0) to x, which would let a signalling NaN through.
    // The check is skipped when the very next instruction is float arithmetic consuming this result: it turns any
    // NaN operand into a NaN and canonicalizes (or quiets) its own result, so the observable bits are the same.
    private void CanonF32()
    {
        if (!NextCanonicalizes())
        {
            CallOp(canon ? nameof(Ops.CanonF32) : nameof(Ops.QuietF32));
        }
    }

    private void CanonF64()
    {
        if (!NextCanonicalizes())
        {
            CallOp(canon ? nameof(Ops.CanonF64) : nameof(Ops.QuietF64));
        }
    }

    private bool NextCanonicalizes() => nextOp is (>= 0x8D and <= 0x97) or (>= 0x9B and <= 0xA5) or 0xB6 or 0xBB;
    private void Prefixed(Instr ins)
    {
        switch (ins.Op - 0x100)
        {
            case 0:
                Need(1);
                CallOp(nameof(Ops.SatF32S32));
                Consume(1, ValueKind.Int32);
                return;
            case 1:
                Need(1);
                CallOp(nameof(Ops.SatF32U32));
                Consume(1, ValueKind.Int32);
                return;
            case 2:
                Need(1);
                CallOp(nameof(Ops.SatF64S32));
                Consume(1, ValueKind.Int32);
                return;
            case 3:
                Need(1);
                CallOp(nameof(Ops.SatF64U32));
                Consume(1, ValueKind.Int32);
                return;
            case 4:
                Need(1);
                CallOp(nameof(Ops.SatF32S64));
                Consume(1, ValueKind.Int64);
                return;
            case 5:
                Need(1);
                CallOp(nameof(Ops.SatF32U64));
                Consume(1, ValueKind.Int64);
                return;
            case 6:
                Need(1);
                CallOp(nameof(Ops.SatF64S64));
                Consume(1, ValueKind.Int64);
                return;
            case 7:
                Need(1);
                CallOp(nameof(Ops.SatF64U64));
                Consume(1, ValueKind.Int64);
                return;
            case 8:
                Need(3);
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                CallOp(nameof(Ops.MemoryInit));
                Consume(3, null);
                ReloadFuel();
                return;
            case 9:
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                CallOp(nameof(Ops.DataDrop));
                return;
            case 10:
                Need(3);
                il.Emit(OpCodes.Ldarg, CtxArg);
                CallOp(nameof(Ops.MemoryCopy));
                Consume(3, null);
                ReloadFuel();
                return;
            case 11:
                Need(3);
                il.Emit(OpCodes.Ldarg, CtxArg);
                CallOp(nameof(Ops.MemoryFill));
                Consume(3, null);
                ReloadFuel();
                return;
            case 12:
                Need(3);
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                il.Emit(OpCodes.Ldc_I4, ins.B);
                CallOp(nameof(Ops.TableInit));
                Consume(3, null);
                ReloadFuel();
                return;
            case 13:
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                CallOp(nameof(Ops.ElemDrop));
                return;
            case 14:
                Need(3);
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                il.Emit(OpCodes.Ldc_I4, ins.B);
                CallOp(nameof(Ops.TableCopy));
                Consume(3, null);
                ReloadFuel();
                return;
            case 15:
                Need(2);
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                CallOp(nameof(Ops.TableGrow));
                Consume(2, ValueKind.Int32);
                ReloadFuel();
                return;
            case 16:
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                CallOp(nameof(Ops.TableSize));
                Push(ValueKind.Int32);
                return;
            case 17:
                Need(3);
                il.Emit(OpCodes.Ldarg, CtxArg);
                il.Emit(OpCodes.Ldc_I4, ins.A);
                CallOp(nameof(Ops.TableFill));
                Consume(3, null);
                ReloadFuel();
                return;
            default:
                throw new InvalidOperationException($"opcode 0xfc {ins.Op - 0x100} not handled by the compiler");
        }
    }
}
