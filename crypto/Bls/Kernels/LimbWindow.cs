namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>
/// The seven accumulator registers (r8-r14) of a Montgomery product, numbered from the limb currently lowest: after
/// each row the lowest limb is done (zero, or stored), and <see cref="Slide"/> renames the registers instead of
/// moving values, so the freed register becomes the new top.
/// </summary>
internal sealed class LimbWindow
{
    private static readonly Reg[] Registers = [Reg.R8, Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14];
    private int _start;

    /// <summary>The register holding limb k of the window (0 = lowest, 6 = top).</summary>
    public Reg this[int k] => Registers[(_start + k) % 7];

    /// <summary>Moves the window up one limb.</summary>
    public void Slide() => _start++;
}
