// Design note: signing is ECDSA over secp256k1 with the RFC 6979 nonce (HMAC-SHA256, BouncyCastle's
// HMacDsaKCalculator), so the same key and hash always give the same signature, matching libsecp256k1, ethers and
// eth-account byte for byte. After computing (r, s) the signature is normalized to low s (s <= n/2, EIP-2) and
// the recovery id is the parity of the nonce point's y, flipped when s was negated. A nonce point whose x is not
// below n would need recovery id 2 or 3, which Ethereum cannot express; that (probability about 2^-128) and
// r = 0 or s = 0 continue with the next RFC 6979 nonce, as RFC 6979 section 3.4 prescribes for rejected k.

using System.Security.Cryptography;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Marketplace.Crypto.Ethereum;

/// <summary>A secp256k1 private key (a scalar in 1..n-1) that signs 32-byte hashes for Ethereum.</summary>
/// <example>
/// <code>
/// var key = Secp256k1PrivateKey.Generate();
/// var hash = Keccak256.Hash("hello"u8);
/// EcdsaSignature signature = key.Sign(hash);
/// Address signer = Address.FromPublicKey(Secp256k1PublicKey.Recover(hash, signature));
/// </code>
/// </example>
public sealed class Secp256k1PrivateKey
{
    /// <summary>Length of the private key encoding.</summary>
    public const int Size = Secp256k1Curve.ScalarSize;

    private readonly BigInteger _d;
    private Secp256k1PublicKey? _publicKey;

    private Secp256k1PrivateKey(BigInteger d)
    {
        _d = d;
    }

    /// <summary>The matching public key (computed once).</summary>
    public Secp256k1PublicKey PublicKey => _publicKey ??= Secp256k1PublicKey.FromPoint(Secp256k1Curve.MultiplyBase(_d));

    /// <summary>Generates a key from the operating system's CSPRNG.</summary>
    public static Secp256k1PrivateKey Generate()
    {
        Span<byte> candidate = stackalloc byte[Size];
        try
        {
            while (true)
            {
                RandomNumberGenerator.Fill(candidate);
                var d = Secp256k1Curve.ToInteger(candidate);
                if (d.SignValue > 0 && d.CompareTo(Secp256k1Curve.N) < 0)
                {
                    return new Secp256k1PrivateKey(d);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
        }
    }

    /// <summary>Reads a key from its 32 big-endian bytes.</summary>
    /// <param name="privateKey">Exactly 32 bytes encoding an integer in 1..n-1.</param>
    /// <exception cref="CryptoFormatException">Wrong length, zero, or not below the group order n.</exception>
    public static Secp256k1PrivateKey FromBytes(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != Size)
        {
            throw new CryptoFormatException(
                $"A secp256k1 private key must be exactly {Size} bytes; got {privateKey.Length}.");
        }

        var d = Secp256k1Curve.ToInteger(privateKey);
        if (d.SignValue == 0)
        {
            throw new CryptoFormatException("A secp256k1 private key must not be zero.");
        }

        if (d.CompareTo(Secp256k1Curve.N) >= 0)
        {
            throw new CryptoFormatException("A secp256k1 private key must be below the group order n.");
        }

        return new Secp256k1PrivateKey(d);
    }

    /// <summary>Returns the key's 32 big-endian bytes (secret: wipe them when done).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        Secp256k1Curve.WriteScalar(_d, bytes);
        return bytes;
    }

    /// <summary>Signs a 32-byte message hash (deterministic RFC 6979 nonce, low-s, recovery id 0/1).</summary>
    /// <param name="hash">The 32-byte hash to sign, e.g. a Keccak-256 transaction signing hash; it is used as is.</param>
    /// <exception cref="CryptoFormatException"><paramref name="hash"/> is not 32 bytes.</exception>
    public EcdsaSignature Sign(ReadOnlySpan<byte> hash)
    {
        var e = Secp256k1Curve.HashToInteger(hash);
        var nonces = Secp256k1Curve.CreateNonceGenerator(_d, hash);
        var n = Secp256k1Curve.N;
        while (true)
        {
            var k = nonces.NextK();
            var point = Secp256k1Curve.MultiplyBase(k);
            var r = point.AffineXCoord.ToBigInteger();
            if (r.SignValue == 0 || r.CompareTo(n) >= 0)
            {
                continue;
            }

            var s = k.ModInverse(n).Multiply(e.Add(_d.Multiply(r))).Mod(n);
            if (s.SignValue == 0)
            {
                continue;
            }

            var recoveryId = point.AffineYCoord.TestBitZero() ? 1 : 0;
            if (s.CompareTo(Secp256k1Curve.HalfN) > 0)
            {
                s = n.Subtract(s);
                recoveryId ^= 1;
            }

            return EcdsaSignature.FromTrusted(r, s, recoveryId);
        }
    }

    /// <summary>The first RFC 6979 nonce for <paramref name="hash"/> (exposed to tests for the published k values).</summary>
    internal byte[] FirstNonce(ReadOnlySpan<byte> hash)
    {
        var bytes = new byte[Size];
        Secp256k1Curve.WriteScalar(Secp256k1Curve.CreateNonceGenerator(_d, hash).NextK(), bytes);
        return bytes;
    }

    /// <summary>Does not reveal the key.</summary>
    public override string ToString() => "Secp256k1PrivateKey(***)";
}
