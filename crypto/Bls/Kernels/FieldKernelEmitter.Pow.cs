// Design note: exponentiation by a public exponent as one kernel, driven by the window schedule of FpExponent:
// the table of odd powers a, a^3, ..., a^31 sits in the frame, and each schedule step squares the accumulator k
// times and multiplies it by one table entry (or by nothing, for the trailing squarings). The branches and table
// offsets come from the schedule only, never from a, so a secret base (Fermat inversion while signing) does not
// steer control flow or memory access. Replaces some 450 managed-to-kernel calls per exponentiation.
namespace Marketplace.Crypto.Bls.Kernels;

internal sealed partial class FieldKernelEmitter
{
    private readonly Label fpPow, one;

    /// <summary>fp_pow(out, a, schedule, steps): out = a^e for the exponent whose schedule is given; out may be a.</summary>
    private void EmitFpPow()
    {
        const int Table = 0, Square = 768, Acc = 816, Out = 864, Cursor = 872, StepsLeft = 880, SquaresLeft = 888, Frame = 896;
        Leaf(nameof(fpPow), fpPow, Frame, () =>
        {
            asm.Mov(Stack(Out), Reg.Rdi);
            asm.Mov(Stack(Cursor), Reg.Rdx);
            asm.Mov(Stack(StepsLeft), Reg.Rcx);

            // Odd powers: table[j] = a^(2j+1), from a and a^2 (rsi survives MontMul).
            Copy(Stack(Table), Rsi());
            MontMul(Stack(Square), Rsi(), Rsi());
            for (int j = 1; j < 16; j++)
            {
                MontMul(Stack(Table + (48 * j)), Stack(Table + (48 * (j - 1))), Stack(Square));
            }

            Copy(Stack(Acc), Mem.Rip(one));

            var step = asm.NewLabel();
            var squaring = asm.NewLabel();
            var afterSquarings = asm.NewLabel();
            var afterMultiply = asm.NewLabel();
            asm.Bind(step);
            asm.Mov(Reg.Rax, Stack(Cursor));
            asm.Mov(Reg.Rcx, new Mem(Reg.Rax, 0));
            asm.Mov(Stack(SquaresLeft), Reg.Rcx);
            asm.Test(Reg.Rcx, Reg.Rcx);
            asm.Jz(afterSquarings);
            asm.Bind(squaring);
            MontMul(Stack(Acc), Stack(Acc), Stack(Acc));
            asm.Mov(Reg.Rcx, Stack(SquaresLeft));
            asm.AddImm(Reg.Rcx, -1);
            asm.Mov(Stack(SquaresLeft), Reg.Rcx);
            asm.Jnz(squaring);
            asm.Bind(afterSquarings);

            asm.Mov(Reg.Rax, Stack(Cursor));
            asm.Mov(Reg.Rbx, new Mem(Reg.Rax, 8));
            asm.AddImm(Reg.Rax, 16);
            asm.Mov(Stack(Cursor), Reg.Rax);
            asm.CmpImm(Reg.Rbx, -1);
            asm.Jz(afterMultiply);
            asm.Add(Reg.Rbx, Reg.Rsp); // rbx = &table[j]
            MontMul(Stack(Acc), Stack(Acc), Rbx());
            asm.Bind(afterMultiply);

            asm.Mov(Reg.Rcx, Stack(StepsLeft));
            asm.AddImm(Reg.Rcx, -1);
            asm.Mov(Stack(StepsLeft), Reg.Rcx);
            asm.Jnz(step);

            asm.Mov(Reg.Rdi, Stack(Out));
            Copy(Rdi(), Stack(Acc));
        });
        Export(FieldKernel.FpPow, fpPow);
    }
}
