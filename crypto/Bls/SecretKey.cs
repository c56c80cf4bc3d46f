using System.Security.Cryptography;
using G1Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp>;

namespace Marketplace.Crypto.Bls;

/// <summary>
/// A BLS secret key: an integer 1 &lt;= SK &lt; r. Operations on it (public-key derivation, signing) run without
/// branches or memory accesses that depend on its bits. Dispose to wipe it from memory.
/// </summary>
public sealed class SecretKey : IDisposable
{
    /// <summary>Size of the big-endian encoding.</summary>
    public const int Size = 32;

    private readonly ulong[] _limbs;

    private SecretKey(ulong[] limbs) => _limbs = limbs;

    internal ReadOnlySpan<ulong> Limbs => _limbs;

    /// <summary>Parses a 32-byte big-endian secret key; it must satisfy 1 &lt;= SK &lt; r.</summary>
    /// <exception cref="CryptoFormatException">Wrong length, zero, or not below the group order.</exception>
    public static SecretKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new CryptoFormatException($"a BLS secret key is {Size} bytes, got {bytes.Length}");
        }

        var l = new ulong[4];
        if (Scalar.ReadBigEndian(bytes, l) == 0)
        {
            Array.Clear(l);
            throw new CryptoFormatException("a BLS secret key must be an integer in [1, r - 1]");
        }

        return new SecretKey(l);
    }

    /// <summary>
    /// KeyGen of draft-irtf-cfrg-bls-signature (HKDF-SHA256, salt iterated from "BLS-SIG-KEYGEN-SALT-", L = 48),
    /// which is also EIP-2333 derive_master_SK when <paramref name="keyInfo"/> is empty.
    /// </summary>
    /// <param name="ikm">Secret input keying material, at least 32 bytes.</param>
    /// <param name="keyInfo">Optional application-specific information.</param>
    /// <exception cref="ArgumentException">The IKM is shorter than 32 bytes.</exception>
    public static SecretKey KeyGen(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> keyInfo = default)
    {
        if (ikm.Length < 32)
        {
            throw new ArgumentException("KeyGen needs at least 32 bytes of input keying material", nameof(ikm));
        }

        byte[] salt = SHA256.HashData("BLS-SIG-KEYGEN-SALT-"u8);
        byte[] ikmZero = new byte[ikm.Length + 1];
        ikm.CopyTo(ikmZero);
        byte[] info = new byte[keyInfo.Length + 2];
        keyInfo.CopyTo(info);
        info[^1] = 48;
        Span<byte> prk = stackalloc byte[32];
        Span<byte> okm = stackalloc byte[48];
        var l = new ulong[4];
        try
        {
            while (true)
            {
                HKDF.Extract(HashAlgorithmName.SHA256, ikmZero, salt, prk);
                HKDF.Expand(HashAlgorithmName.SHA256, prk, okm, info);
                Scalar.ReduceWide(okm, l);
                if ((l[0] | l[1] | l[2] | l[3]) != 0)
                {
                    return new SecretKey(l);
                }

                salt = SHA256.HashData(salt);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikmZero);
            CryptographicOperations.ZeroMemory(prk);
            CryptographicOperations.ZeroMemory(okm);
        }
    }

    /// <summary>EIP-2333 derive_child_SK: the child key at <paramref name="index"/> of this (parent) key.</summary>
    public SecretKey DeriveChild(uint index)
    {
        Span<byte> parent = stackalloc byte[32];
        Scalar.WriteBigEndian(_limbs, parent);
        Span<byte> salt = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(salt, index);
        byte[] lamportPk = new byte[2 * 255 * 32];
        byte[] chunks = new byte[255 * 32];
        Span<byte> prk = stackalloc byte[32];
        try
        {
            for (int side = 0; side < 2; side++)
            {
                if (side == 1)
                {
                    for (int i = 0; i < 32; i++)
                    {
                        parent[i] = (byte)~parent[i];
                    }
                }

                HKDF.Extract(HashAlgorithmName.SHA256, parent, salt, prk);
                HKDF.Expand(HashAlgorithmName.SHA256, prk, chunks, ReadOnlySpan<byte>.Empty);
                for (int i = 0; i < 255; i++)
                {
                    SHA256.HashData(chunks.AsSpan(i * 32, 32), lamportPk.AsSpan((side * 255 + i) * 32, 32));
                }
            }

            Span<byte> compressed = stackalloc byte[32];
            SHA256.HashData(lamportPk, compressed);
            var child = KeyGen(compressed);
            CryptographicOperations.ZeroMemory(compressed);
            return child;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(lamportPk);
            CryptographicOperations.ZeroMemory(parent);
            CryptographicOperations.ZeroMemory(chunks);
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    /// <summary>The 32-byte big-endian encoding.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[Size];
        Scalar.WriteBigEndian(_limbs, b);
        return b;
    }

    /// <summary>SkToPk: the public key SK * G1.</summary>
    public PublicKey PublicKey()
    {
        var p = G1ScalarMultiplication.MulSecret(G1.Generator, _limbs);
        return PublicKeyFromTrustedPoint(p);
    }

    internal static PublicKey PublicKeyFromTrustedPoint(in G1Point p)
    {
        var bytes = new byte[G1.CompressedSize];
        p.ToAffine(out var x, out var y);
        G1.CompressAffine(x, y, bytes);
        return new PublicKey(bytes, x, y);
    }

    /// <summary>Wipes the key material.</summary>
    public void Dispose() => Array.Clear(_limbs);
}
