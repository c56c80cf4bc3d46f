// Design note: the deploy digest is Keccak-256 over a canonical, length-prefixed encoding of every manifest field
// and the module's SHA-256, so neither the module nor any manifest field can be swapped under a signature, and no
// two different manifests encode alike (every string is length-prefixed, lists carry their count). The layout is
// documented in grains/Programs/README.md; sdk, CLI and tests all sign through Create.

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.GrainInterfaces;

/// <summary>Program ids, the deploy digest, and signing and checking deployments.</summary>
/// <example>
/// <code>
/// var manifest = new ProgramManifest { Name = "echo", Version = "1.0.0" };
/// ProgramDeployment deployment = ProgramDeployments.Create(File.ReadAllBytes("echo.wasm"), manifest, privateKey);
/// string id = ProgramDeployments.ComputeProgramId(deployment.Wasm, manifest.Salt); // "prog…"
/// </code>
/// </example>
public static class ProgramDeployments
{
    /// <summary>Prefix of a program id.</summary>
    public const string IdPrefix = "prog";

    /// <summary>Domain tag at the start of the signed encoding.</summary>
    public const string DigestDomain = "marketplace.program-deploy.v1";

    /// <summary>The program id: <c>prog</c> + 64 lowercase hex of SHA-256(wasm ‖ salt bytes).</summary>
    /// <exception cref="InvalidRequestException">The salt is not hex.</exception>
    public static string ComputeProgramId(ReadOnlySpan<byte> wasm, string salt)
    {
        var saltBytes = ParseSalt(salt);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(wasm);
        sha.AppendData(saltBytes);
        return IdPrefix + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Normalizes a program id given as <c>prog</c> + 64 hex (prefix in any case) or bare 64 hex; null when
    /// it is neither.</summary>
    public static string? NormalizeProgramId(string? reference)
    {
        if (reference is null)
        {
            return null;
        }

        var hex = reference.StartsWith(IdPrefix, StringComparison.OrdinalIgnoreCase) ? reference[IdPrefix.Length..] : reference;
        if (hex.Length != 64)
        {
            return null;
        }

        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }
        }

        return IdPrefix + hex.ToLowerInvariant();
    }

    /// <summary>The 32-byte digest the deployer signs: Keccak-256 of the canonical encoding of
    /// <paramref name="manifest"/> and SHA-256(<paramref name="wasm"/>).</summary>
    public static byte[] ComputeDigest(ReadOnlySpan<byte> wasm, ProgramManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var buffer = new List<byte>(256);
        WriteString(buffer, DigestDomain);
        WriteString(buffer, manifest.Name);
        WriteString(buffer, manifest.Version);
        WriteString(buffer, manifest.Entrypoint);
        WriteInt64(buffer, manifest.MaxFuel);
        WriteInt64(buffer, manifest.MaxMemoryBytes);
        WriteInt64(buffer, manifest.TimeoutMs);
        WriteList(buffer, manifest.BlobRefs);
        WriteString(buffer, manifest.Salt);
        WriteList(buffer, manifest.Capabilities);
        buffer.AddRange(SHA256.HashData(wasm));
        return Keccak256.Hash(buffer.ToArray());
    }

    /// <summary>Signs a deployment with a secp256k1 private key (32 bytes): the signature is r ‖ s ‖ v (v = 0/1)
    /// over <see cref="ComputeDigest"/>.</summary>
    /// <exception cref="CryptoFormatException">The private key is not a valid secp256k1 scalar.</exception>
    public static ProgramDeployment Create(byte[] wasm, ProgramManifest manifest, ReadOnlySpan<byte> privateKey)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        var key = Secp256k1PrivateKey.FromBytes(privateKey);
        var signature = key.Sign(ComputeDigest(wasm, manifest)).ToBytes(legacyV: false);
        var deployer = Address.FromPublicKey(key.PublicKey).ToChecksumString();
        return new ProgramDeployment { Wasm = wasm, Manifest = manifest, Signature = signature, Deployer = deployer };
    }

    /// <summary>The EIP-55 address of the key that signed <paramref name="deployment"/>, checked against
    /// <see cref="ProgramDeployment.Deployer"/> when that is set.</summary>
    /// <exception cref="ProgramRejectedException">The signature is malformed, recovers no key, or recovers another
    /// address than the claimed deployer.</exception>
    public static string RecoverDeployer(ProgramDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Signature is not { Length: 65 })
        {
            throw new ProgramRejectedException(
                $"signature: expected 65 bytes (r ‖ s ‖ v), got {deployment.Signature?.Length ?? 0}");
        }

        try
        {
            var digest = ComputeDigest(deployment.Wasm, deployment.Manifest);
            var signature = EcdsaSignature.FromBytes(deployment.Signature);
            var recovered = Address.FromPublicKey(Secp256k1PublicKey.Recover(digest, signature));
            if (!string.IsNullOrEmpty(deployment.Deployer) && Address.Parse(deployment.Deployer) != recovered)
            {
                throw new ProgramRejectedException(
                    $"signature: recovers {recovered.ToChecksumString()}, not the claimed deployer {deployment.Deployer} (module or manifest changed after signing, or the wrong key)");
            }

            return recovered.ToChecksumString();
        }
        catch (CryptoFormatException e)
        {
            throw new ProgramRejectedException($"signature: {e.Message}");
        }
    }

    /// <summary>The salt's bytes (hex, may be empty).</summary>
    /// <exception cref="InvalidRequestException">The salt is not an even number of hex digits.</exception>
    public static byte[] ParseSalt(string? salt)
    {
        if (string.IsNullOrEmpty(salt))
        {
            return [];
        }

        if (salt.Length % 2 != 0 || salt.Length > 128 || !salt.All(char.IsAsciiHexDigit))
        {
            var shown = salt.Length > 80 ? salt[..80] + "…" : salt;
            throw new InvalidRequestException($"salt: expected up to 64 bytes as hex digits, got '{shown}' ({salt.Length} characters)");
        }

        return Convert.FromHexString(salt);
    }

    private static void WriteString(List<byte> buffer, string? value)
    {
        var bytes = Encoding.UTF8.GetBytes(value ?? "");
        WriteInt32(buffer, bytes.Length);
        buffer.AddRange(bytes);
    }

    private static void WriteList(List<byte> buffer, List<string>? values)
    {
        values ??= [];
        WriteInt32(buffer, values.Count);
        foreach (var v in values)
        {
            WriteString(buffer, v);
        }
    }

    private static void WriteInt32(List<byte> buffer, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        buffer.AddRange(b);
    }

    private static void WriteInt64(List<byte> buffer, long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, value);
        buffer.AddRange(b);
    }
}
