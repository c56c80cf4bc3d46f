namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>A general-purpose 64-bit register, numbered as in the ModRM/REX encoding.</summary>
internal enum Reg : byte
{
    Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi, R8, R9, R10, R11, R12, R13, R14, R15,
}

/// <summary>A position in the code, bound once and referenced by calls and RIP-relative operands.</summary>
internal readonly record struct Label(int Id);

/// <summary>A memory operand: [base + displacement], or [rip + label + displacement] when the label is set.</summary>
internal readonly record struct Mem(Reg Base, int Disp, Label? RipLabel = null)
{
    /// <summary>[label + disp], addressed relative to the next instruction.</summary>
    public static Mem Rip(Label label, int disp = 0) => new(Reg.Rax, disp, label);

    /// <summary>The same operand moved by <paramref name="bytes"/>.</summary>
    public Mem Offset(int bytes) => this with { Disp = Disp + bytes };
}
