namespace Marketplace.Crypto.Bls;

/// <summary>A pair (P in G1, Q in G2), both affine and not the identity.</summary>
internal readonly struct PairingInput
{
    internal readonly Fp Px, Py;
    internal readonly Fp2 Qx, Qy;

    internal PairingInput(in Fp px, in Fp py, in Fp2 qx, in Fp2 qy)
    {
        Px = px;
        Py = py;
        Qx = qx;
        Qy = qy;
    }
}
