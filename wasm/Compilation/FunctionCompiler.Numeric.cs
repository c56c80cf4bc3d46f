using System.Reflection.Emit;
using Marketplace.Wasm.Decoding;
using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm.Compilation;

/// <summary>Numeric instructions (0x45..0xC4).</summary>
internal sealed partial class FunctionCompiler
{
    private void Numeric(int op)
    {
        var (a, b, result) = CodeValidator.NumericShape(op);
        var arity = b == 0 ? 1 : 2;
        Need(arity);
        switch (op)
        {
            case 0x45:
                Not();
                break;
            case 0x46 or 0x51 or 0x5B or 0x61:
                il.Emit(OpCodes.Ceq);
                break;
            case 0x47 or 0x52 or 0x5C or 0x62:
                il.Emit(OpCodes.Ceq);
                Not();
                break;
            case 0x48 or 0x53 or 0x5D or 0x63:
                il.Emit(OpCodes.Clt);
                break;
            case 0x49 or 0x54:
                il.Emit(OpCodes.Clt_Un);
                break;
            case 0x4A or 0x55 or 0x5E or 0x64:
                il.Emit(OpCodes.Cgt);
                break;
            case 0x4B or 0x56:
                il.Emit(OpCodes.Cgt_Un);
                break;
            case 0x4C or 0x57:
                il.Emit(OpCodes.Cgt);
                Not();
                break;
            case 0x4D or 0x58 or 0x5F or 0x65:
                il.Emit(OpCodes.Cgt_Un);
                Not();
                break;
            case 0x4E or 0x59:
                il.Emit(OpCodes.Clt);
                Not();
                break;
            case 0x4F or 0x5A or 0x60 or 0x66:
                il.Emit(OpCodes.Clt_Un);
                Not();
                break;
            case 0x50:
                il.Emit(OpCodes.Ldc_I8, 0L);
                il.Emit(OpCodes.Ceq);
                break;
            case 0x67:
                il.Emit(OpCodes.Call, Members.Clz32);
                break;
            case 0x68:
                il.Emit(OpCodes.Call, Members.Ctz32);
                break;
            case 0x69:
                il.Emit(OpCodes.Call, Members.Pop32);
                break;
            case 0x6A or 0x7C:
                il.Emit(OpCodes.Add);
                break;
            case 0x6B or 0x7D:
                il.Emit(OpCodes.Sub);
                break;
            case 0x6C or 0x7E:
                il.Emit(OpCodes.Mul);
                break;
            case 0x6D:
                CallOp(nameof(Ops.DivS32));
                break;
            case 0x6E:
                CallOp(nameof(Ops.DivU32));
                break;
            case 0x6F:
                CallOp(nameof(Ops.RemS32));
                break;
            case 0x70:
                CallOp(nameof(Ops.RemU32));
                break;
            case 0x71 or 0x83:
                il.Emit(OpCodes.And);
                break;
            case 0x72 or 0x84:
                il.Emit(OpCodes.Or);
                break;
            case 0x73 or 0x85:
                il.Emit(OpCodes.Xor);
                break;
            case 0x74:
                Shift(OpCodes.Shl, 31);
                break;
            case 0x75:
                Shift(OpCodes.Shr, 31);
                break;
            case 0x76:
                Shift(OpCodes.Shr_Un, 31);
                break;
            case 0x77:
                il.Emit(OpCodes.Call, Members.Rotl32);
                break;
            case 0x78:
                il.Emit(OpCodes.Call, Members.Rotr32);
                break;
            case 0x79:
                il.Emit(OpCodes.Call, Members.Clz64);
                il.Emit(OpCodes.Conv_I8);
                break;
            case 0x7A:
                il.Emit(OpCodes.Call, Members.Ctz64);
                il.Emit(OpCodes.Conv_I8);
                break;
            case 0x7B:
                il.Emit(OpCodes.Call, Members.Pop64);
                il.Emit(OpCodes.Conv_I8);
                break;
            case 0x7F:
                CallOp(nameof(Ops.DivS64));
                break;
            case 0x80:
                CallOp(nameof(Ops.DivU64));
                break;
            case 0x81:
                CallOp(nameof(Ops.RemS64));
                break;
            case 0x82:
                CallOp(nameof(Ops.RemU64));
                break;
            case 0x86:
                Shift(OpCodes.Shl, 63);
                break;
            case 0x87:
                Shift(OpCodes.Shr, 63);
                break;
            case 0x88:
                Shift(OpCodes.Shr_Un, 63);
                break;
            case 0x89:
                il.Emit(OpCodes.Conv_I4);
                il.Emit(OpCodes.Call, Members.Rotl64);
                break;
            case 0x8A:
                il.Emit(OpCodes.Conv_I4);
                il.Emit(OpCodes.Call, Members.Rotr64);
                break;
            case 0x8B:
                CallOp(nameof(Ops.AbsF32));
                break;
            case 0x8C:
                CallOp(nameof(Ops.NegF32));
                break;
            case 0x8D:
                il.Emit(OpCodes.Call, Members.CeilF32);
                CanonF32();
                break;
            case 0x8E:
                il.Emit(OpCodes.Call, Members.FloorF32);
                CanonF32();
                break;
            case 0x8F:
                il.Emit(OpCodes.Call, Members.TruncF32);
                CanonF32();
                break;
            case 0x90:
                CallOp(nameof(Ops.NearestF32));
                CanonF32();
                break;
            case 0x91:
                il.Emit(OpCodes.Call, Members.SqrtF32);
                CanonF32();
                break;
            case 0x92:
                il.Emit(OpCodes.Add);
                CanonF32();
                break;
            case 0x93:
                il.Emit(OpCodes.Sub);
                CanonF32();
                break;
            case 0x94:
                il.Emit(OpCodes.Mul);
                CanonF32();
                break;
            case 0x95:
                il.Emit(OpCodes.Div);
                CanonF32();
                break;
            case 0x96:
                CallOp(nameof(Ops.MinF32));
                CanonF32();
                break;
            case 0x97:
                CallOp(nameof(Ops.MaxF32));
                CanonF32();
                break;
            case 0x98:
                CallOp(nameof(Ops.CopySignF32));
                break;
            case 0x99:
                CallOp(nameof(Ops.AbsF64));
                break;
            case 0x9A:
                CallOp(nameof(Ops.NegF64));
                break;
            case 0x9B:
                il.Emit(OpCodes.Call, Members.CeilF64);
                CanonF64();
                break;
            case 0x9C:
                il.Emit(OpCodes.Call, Members.FloorF64);
                CanonF64();
                break;
            case 0x9D:
                il.Emit(OpCodes.Call, Members.TruncF64);
                CanonF64();
                break;
            case 0x9E:
                CallOp(nameof(Ops.NearestF64));
                CanonF64();
                break;
            case 0x9F:
                il.Emit(OpCodes.Call, Members.SqrtF64);
                CanonF64();
                break;
            case 0xA0:
                il.Emit(OpCodes.Add);
                CanonF64();
                break;
            case 0xA1:
                il.Emit(OpCodes.Sub);
                CanonF64();
                break;
            case 0xA2:
                il.Emit(OpCodes.Mul);
                CanonF64();
                break;
            case 0xA3:
                il.Emit(OpCodes.Div);
                CanonF64();
                break;
            case 0xA4:
                CallOp(nameof(Ops.MinF64));
                CanonF64();
                break;
            case 0xA5:
                CallOp(nameof(Ops.MaxF64));
                CanonF64();
                break;
            case 0xA6:
                CallOp(nameof(Ops.CopySignF64));
                break;
            case 0xA7:
                il.Emit(OpCodes.Conv_I4);
                break;
            case 0xA8:
                CallOp(nameof(Ops.TruncF32S32));
                break;
            case 0xA9:
                CallOp(nameof(Ops.TruncF32U32));
                break;
            case 0xAA:
                CallOp(nameof(Ops.TruncF64S32));
                break;
            case 0xAB:
                CallOp(nameof(Ops.TruncF64U32));
                break;
            case 0xAC:
                il.Emit(OpCodes.Conv_I8);
                break;
            case 0xAD:
                il.Emit(OpCodes.Conv_U8);
                break;
            case 0xAE:
                CallOp(nameof(Ops.TruncF32S64));
                break;
            case 0xAF:
                CallOp(nameof(Ops.TruncF32U64));
                break;
            case 0xB0:
                CallOp(nameof(Ops.TruncF64S64));
                break;
            case 0xB1:
                CallOp(nameof(Ops.TruncF64U64));
                break;
            case 0xB2:
                il.Emit(OpCodes.Conv_R4);
                break;
            case 0xB3:
                CallOp(nameof(Ops.U32ToF32));
                break;
            case 0xB4:
                CallOp(nameof(Ops.S64ToF32));
                break;
            case 0xB5:
                CallOp(nameof(Ops.U64ToF32));
                break;
            case 0xB6:
                il.Emit(OpCodes.Conv_R4);
                CanonF32();
                break;
            case 0xB7:
                il.Emit(OpCodes.Conv_R8);
                break;
            case 0xB8:
                CallOp(nameof(Ops.U32ToF64));
                break;
            case 0xB9:
                il.Emit(OpCodes.Conv_R8);
                break;
            case 0xBA:
                CallOp(nameof(Ops.U64ToF64));
                break;
            case 0xBB:
                il.Emit(OpCodes.Conv_R8);
                CanonF64();
                break;
            case 0xBC:
                il.Emit(OpCodes.Call, Members.SingleToBits);
                break;
            case 0xBD:
                il.Emit(OpCodes.Call, Members.DoubleToBits);
                break;
            case 0xBE:
                il.Emit(OpCodes.Call, Members.BitsToSingle);
                break;
            case 0xBF:
                il.Emit(OpCodes.Call, Members.BitsToDouble);
                break;
            case 0xC0:
                il.Emit(OpCodes.Conv_I1);
                break;
            case 0xC1:
                il.Emit(OpCodes.Conv_I2);
                break;
            case 0xC2:
                il.Emit(OpCodes.Conv_I1);
                il.Emit(OpCodes.Conv_I8);
                break;
            case 0xC3:
                il.Emit(OpCodes.Conv_I2);
                il.Emit(OpCodes.Conv_I8);
                break;
            case 0xC4:
                il.Emit(OpCodes.Conv_I4);
                il.Emit(OpCodes.Conv_I8);
                break;
            default:
                throw new InvalidOperationException($"opcode 0x{op:x2} not handled by the compiler");
        }

        _ = a;
        Consume(arity, result);
    }

    private void Shift(OpCode shift, int mask)
    {
        if (mask == 63)
        {
            il.Emit(OpCodes.Conv_I4);
        }

        il.Emit(OpCodes.Ldc_I4, mask);
        il.Emit(OpCodes.And);
        il.Emit(shift);
    }
}
