// Design note: exponentiation by a public exponent as one kernel, driven by the window schedule of FpExponent:
// the table of odd powers a, a^3, ..., a^31 sits in the frame, and each schedule step squares the accumulator k
// times and multiplies it by one table entry (or by nothing, for the trailing squarings). The branches and table
// offsets come from the schedule only, never from a, so a secret base (Fermat inversion while signing) does not
// steer control flow or memory access. Replaces some 450 managed-to-kernel calls per exponentiation.
namespace Marketplace.Crypto.Bls.Kernels;

internal sealed partial class FieldKernelEmitter
{
    private readonly Label _fpPow, _one;

    /// <summary>fp_pow(out, a, schedule, steps): out = a^e for the exponent whose schedule is given; out may be a.</summary>
    private void EmitFpPow()
    {
        const int Table = 0, Square = 768, Acc = 816, Out = 864, Cursor = 872, StepsLeft = 880, SquaresLeft = 888, Frame = 896;
        Leaf("fpPow", _fpPow, Frame, () =>
        {
            _asm.Mov(Stack(Out), Reg.Rdi);
            _asm.Mov(Stack(Cursor), Reg.Rdx);
            _asm.Mov(Stack(StepsLeft), Reg.Rcx);

            // Odd powers: table[j] = a^(2j+1), from a and a^2 (rsi survives MontMul).
            Copy(Stack(Table), Rsi());
            MontMul(Stack(Square), Rsi(), Rsi());
            for (int j = 1; j < 16; j++)
            {
                MontMul(Stack(Table + (48 * j)), Stack(Table + (48 * (j - 1))), Stack(Square));
            }

            Copy(Stack(Acc), Mem.Rip(_one));

            var step = _asm.NewLabel();
            var squaring = _asm.NewLabel();
            var afterSquarings = _asm.NewLabel();
            var afterMultiply = _asm.NewLabel();
            _asm.Bind(step);
            _asm.Mov(Reg.Rax, Stack(Cursor));
            _asm.Mov(Reg.Rcx, new Mem(Reg.Rax, 0));
            _asm.Mov(Stack(SquaresLeft), Reg.Rcx);
            _asm.Test(Reg.Rcx, Reg.Rcx);
            _asm.Jz(afterSquarings);
            _asm.Bind(squaring);
            MontMul(Stack(Acc), Stack(Acc), Stack(Acc));
            _asm.Mov(Reg.Rcx, Stack(SquaresLeft));
            _asm.AddImm(Reg.Rcx, -1);
            _asm.Mov(Stack(SquaresLeft), Reg.Rcx);
            _asm.Jnz(squaring);
            _asm.Bind(afterSquarings);

            _asm.Mov(Reg.Rax, Stack(Cursor));
            _asm.Mov(Reg.Rbx, new Mem(Reg.Rax, 8));
            _asm.AddImm(Reg.Rax, 16);
            _asm.Mov(Stack(Cursor), Reg.Rax);
            _asm.CmpImm(Reg.Rbx, -1);
            _asm.Jz(afterMultiply);
            _asm.Add(Reg.Rbx, Reg.Rsp); // rbx = &table[j]
            MontMul(Stack(Acc), Stack(Acc), Rbx());
            _asm.Bind(afterMultiply);

            _asm.Mov(Reg.Rcx, Stack(StepsLeft));
            _asm.AddImm(Reg.Rcx, -1);
            _asm.Mov(Stack(StepsLeft), Reg.Rcx);
            _asm.Jnz(step);

            _asm.Mov(Reg.Rdi, Stack(Out));
            Copy(Rdi(), Stack(Acc));
        });
        Export(FieldKernel.FpPow, _fpPow);
    }
}
