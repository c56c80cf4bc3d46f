// Design note: a delegation is signed the way a deploy is (ProgramDeployments): Keccak-256 over a length-prefixed
// encoding that starts with its own domain tag, so a deploy signature can never pass for a delegation or the reverse,
// and no two different statements encode alike. The name is signed in its normalized form (a name is one catalog
// entry whatever its case) and the delegate as lowercase hex, so the same statement has one digest however it was
// typed. The nonce makes each statement single-use: the name grain accepts only nonces above the last one.

using System.Buffers.Binary;
using System.Text;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.GrainInterfaces;

/// <summary>Signing and checking program-name delegations.</summary>
/// <example>
/// <code>
/// ProgramDelegation grant = ProgramDelegations.Create("echo", "0x9d8A…", DelegationAction.Grant, nonce: 1, ownerKey);
/// ProgramNameInfo info = await grains.GetGrain&lt;IProgramNameGrain&gt;("echo").DelegateAsync(grant);
/// </code>
/// </example>
public static class ProgramDelegations
{
    /// <summary>Domain tag at the start of the signed encoding.</summary>
    public const string DigestDomain = "marketplace.program-delegation.v1";

    /// <summary>Most delegates one name holds.</summary>
    public const int MaxDelegates = 64;

    /// <summary>The wire name of an action: <c>grant</c> or <c>revoke</c>.</summary>
    public static string ActionName(DelegationAction action) => action switch
    {
        DelegationAction.Grant => "grant",
        DelegationAction.Revoke => "revoke",
        _ => throw new InvalidRequestException($"action: {(int)action} is neither grant nor revoke"),
    };

    /// <summary>
    /// The 32-byte digest the owner signs: Keccak-256 of [u32 BE length][UTF-8] for each of the domain tag, the
    /// normalized name, the delegate as <c>0x</c> + 40 lowercase hex and the action name, then the nonce as i64 BE.
    /// </summary>
    /// <exception cref="InvalidRequestException">The name, the delegate or the action is malformed.</exception>
    public static byte[] ComputeDigest(string name, string delegateAddress, DelegationAction action, long nonce)
    {
        var normalized = ProgramNames.Normalize(name)
            ?? throw new InvalidRequestException($"name: '{Clip(name)}' is not a program name (1-64 letters, digits, '-', '_' or '.')");
        var address = ParseDelegate(delegateAddress);
        var buffer = new List<byte>(160);
        WriteString(buffer, DigestDomain);
        WriteString(buffer, normalized);
        WriteString(buffer, "0x" + Convert.ToHexStringLower(address.ToBytes()));
        WriteString(buffer, ActionName(action));
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, nonce);
        buffer.AddRange(b);
        return Keccak256.Hash(buffer.ToArray());
    }

    /// <summary>Signs a statement with the owner's secp256k1 private key (32 bytes): r ‖ s ‖ v (v = 0/1) over
    /// <see cref="ComputeDigest"/>; <see cref="ProgramDelegation.Signer"/> is the key's address.</summary>
    /// <exception cref="CryptoFormatException">The private key is not a valid secp256k1 scalar.</exception>
    public static ProgramDelegation Create(string name, string delegateAddress, DelegationAction action, long nonce, ReadOnlySpan<byte> privateKey)
    {
        var key = Secp256k1PrivateKey.FromBytes(privateKey);
        var signature = key.Sign(ComputeDigest(name, delegateAddress, action, nonce)).ToBytes(legacyV: false);
        return new ProgramDelegation
        {
            Name = name,
            Delegate = delegateAddress,
            Action = action,
            Nonce = nonce,
            Signature = signature,
            Signer = Address.FromPublicKey(key.PublicKey).ToChecksumString(),
        };
    }

    /// <summary>The EIP-55 address of the key that signed <paramref name="delegation"/>, checked against
    /// <see cref="ProgramDelegation.Signer"/> when that is set.</summary>
    /// <exception cref="InvalidRequestException">The name, the delegate or the action is malformed.</exception>
    /// <exception cref="ProgramRejectedException">The signature is malformed, recovers no key, or recovers another
    /// address than the claimed signer.</exception>
    public static string RecoverSigner(ProgramDelegation delegation)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        var digest = ComputeDigest(delegation.Name, delegation.Delegate, delegation.Action, delegation.Nonce);
        if (delegation.Signature is not { Length: 65 })
        {
            throw new ProgramRejectedException(
                $"signature: expected 65 bytes (r ‖ s ‖ v), got {delegation.Signature?.Length ?? 0}");
        }

        Address? claimed = string.IsNullOrEmpty(delegation.Signer) ? null : ParseAddress("signer", delegation.Signer);

        try
        {
            var recovered = Address.FromPublicKey(Secp256k1PublicKey.Recover(digest, EcdsaSignature.FromBytes(delegation.Signature)));
            if (claimed is { } expected && expected != recovered)
            {
                throw new ProgramRejectedException(
                    $"signature: recovers {recovered.ToChecksumString()}, not the claimed signer {delegation.Signer} (statement changed after signing, or the wrong key)");
            }

            return recovered.ToChecksumString();
        }
        catch (CryptoFormatException e)
        {
            throw new ProgramRejectedException($"signature: {e.Message}");
        }
    }

    /// <summary>The delegate's address. Throws <see cref="InvalidRequestException"/> naming <c>delegate</c>.</summary>
    public static Address ParseDelegate(string? delegateAddress) => ParseAddress("delegate", delegateAddress);

    private static Address ParseAddress(string field, string? text)
    {
        try
        {
            return Address.Parse(text ?? "");
        }
        catch (CryptoFormatException e)
        {
            throw new InvalidRequestException($"{field}: '{Clip(text ?? "")}' is not an address: {e.Message}");
        }
    }

    private static void WriteString(List<byte> buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.AddRange(length);
        buffer.AddRange(bytes);
    }

    private static string Clip(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
