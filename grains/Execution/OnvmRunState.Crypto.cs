using System.Security.Cryptography;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>The crypto host functions.</summary>
internal sealed partial class OnvmRunState
{
    /// <summary>Fuel of one secp256k1 verification or recovery.</summary>
    public const int Secp256k1Fuel = 20_000;

    /// <summary><c>onvm_crypto_hash(algo, in_ptr, in_len, out_ptr, out_cap) → i32</c>: algo 1 SHA-256, 2 Keccak-256;
    /// returns 32; −32 when out_cap is below 32; −3 unknown algo; −2 input unreadable; −4 output unwritable.</summary>
    public int CryptoHash(Caller caller, int algorithm, int inPtr, int inLength, int outPtr, int outCapacity)
    {
        Charge(caller, inLength * 4L);
        if (algorithm is not (1 or 2))
        {
            return -3;
        }

        if (outCapacity < 32)
        {
            return -32;
        }

        if (!TryGet(caller, inPtr, inLength, out var input))
        {
            return -2;
        }

        if (!TryGet(caller, outPtr, 32, out var destination))
        {
            return -4;
        }

        if (algorithm == 1)
        {
            SHA256.HashData(input, destination);
        }
        else
        {
            Keccak256.Hash(input, destination);
        }

        return 32;
    }

    /// <summary><c>onvm_crypto_secp256k1_verify(msg32_ptr, sig65_ptr, pub64_ptr) → i32</c>: 0 valid, 1 invalid; −1
    /// an input unreadable; −2 malformed signature; −3 malformed public key. The recovery byte is ignored.</summary>
    public int Secp256k1Verify(Caller caller, int messagePtr, int signaturePtr, int publicKeyPtr)
    {
        Charge(caller, 0, Secp256k1Fuel);
        if (!TryGet(caller, messagePtr, 32, out var message) || !TryGet(caller, signaturePtr, 65, out var signatureBytes) ||
            !TryGet(caller, publicKeyPtr, 64, out var publicKeyBytes))
        {
            return -1;
        }

        EcdsaSignature signature;
        try
        {
            signature = EcdsaSignature.FromComponents(signatureBytes[..32], signatureBytes[32..64], 0, normalizeHighS: true);
        }
        catch (CryptoFormatException)
        {
            return -2;
        }

        Secp256k1PublicKey publicKey;
        try
        {
            Span<byte> encoded = stackalloc byte[65];
            encoded[0] = 0x04;
            publicKeyBytes.CopyTo(encoded[1..]);
            publicKey = Secp256k1PublicKey.Parse(encoded);
        }
        catch (CryptoFormatException)
        {
            return -3;
        }

        return publicKey.Verify(message, signature) ? 0 : 1;
    }

    /// <summary><c>onvm_crypto_secp256k1_recover(msg32_ptr, sig65_ptr, out_pub64_ptr) → i32</c>: writes the 64-byte
    /// public key (no 0x04 prefix); 0; −1 an input unreadable; −2 malformed signature or recovery id (sig[64] % 4
    /// must be 0 or 1); −3 no key recovers; −4 output unwritable.</summary>
    public int Secp256k1Recover(Caller caller, int messagePtr, int signaturePtr, int outPtr)
    {
        Charge(caller, 0, Secp256k1Fuel);
        if (!TryGet(caller, messagePtr, 32, out var message) || !TryGet(caller, signaturePtr, 65, out var signatureBytes))
        {
            return -1;
        }

        var recoveryId = signatureBytes[64] % 4;
        if (recoveryId > 1)
        {
            return -2;
        }

        EcdsaSignature signature;
        try
        {
            signature = EcdsaSignature.FromComponents(signatureBytes[..32], signatureBytes[32..64], recoveryId);
        }
        catch (CryptoFormatException)
        {
            return -2;
        }

        byte[] key;
        try
        {
            key = Secp256k1PublicKey.Recover(message, signature).ToBytes(compressed: false);
        }
        catch (CryptoFormatException)
        {
            return -3;
        }

        if (!TryGet(caller, outPtr, 64, out var destination))
        {
            return -4;
        }

        key.AsSpan(1).CopyTo(destination);
        return 0;
    }
}
