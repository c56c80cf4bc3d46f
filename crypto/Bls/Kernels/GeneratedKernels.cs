namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>The emitter's output: machine code, exported entry offsets and named routine ranges.</summary>
internal sealed record GeneratedKernels(byte[] Code, int[] Entries, (string Name, int Offset, int Length)[] Symbols);
