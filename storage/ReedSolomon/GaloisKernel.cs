namespace Marketplace.Storage.ReedSolomon;

/// <summary>
/// The implementation of the GF(2^8) region arithmetic ("multiply a region by a constant and add it to another") a
/// <see cref="ReedSolomonCodec"/> uses. Every kernel produces the same bytes; they differ only in speed and in the
/// instructions they need. <see cref="Auto"/> picks the fastest one the processor supports.
/// </summary>
public enum GaloisKernel
{
    /// <summary>The fastest kernel this processor supports: Gfni, then Avx512, Avx2, Ssse3, Scalar.</summary>
    Auto = 0,

    /// <summary>Portable code with a 64 KiB product table; runs everywhere.</summary>
    Scalar = 1,

    /// <summary>Split-nibble table lookups with 16-byte shuffles (SSSE3).</summary>
    Ssse3 = 2,

    /// <summary>Split-nibble table lookups with 32-byte shuffles (AVX2).</summary>
    Avx2 = 3,

    /// <summary>Split-nibble table lookups with 64-byte shuffles (AVX-512BW).</summary>
    Avx512 = 4,

    /// <summary>One affine transform per 32 or 64 bytes with the GF2P8AFFINEQB instruction (GFNI with AVX2 or AVX-512).</summary>
    Gfni = 5,
}
