namespace Marketplace.Crypto.Bls;

/// <summary>Point decoding without the public-key rules, for tests and tools (the identity decodes).</summary>
internal static class Wire
{
    /// <summary>Decompresses a G1 point and checks the subgroup; the identity is accepted.</summary>
    internal static bool TryDecodeG1(ReadOnlySpan<byte> bytes, out string? error)
    {
        error = G1.TryDecompress(bytes, out var p);
        if (error is null && !G1.IsInSubgroup(p))
        {
            error = "the point is not in the prime-order subgroup G1";
        }

        return error is null;
    }
}
