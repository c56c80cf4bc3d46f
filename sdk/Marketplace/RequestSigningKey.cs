using Marketplace.GrainInterfaces.Http;

namespace Marketplace.Sdk;

/// <summary>
/// A key that signs every request of an <see cref="HttpMarketplaceClient"/> (HMAC-SHA256, layout in silo/README.md,
/// "Signed requests"): its id and secret as configured on the silo under <c>Marketplace:Api:SigningKeys:&lt;id&gt;</c>.
/// </summary>
public sealed class RequestSigningKey
{
    private readonly byte[] _secret;

    /// <summary>A signing key.</summary>
    /// <param name="keyId">The key id: 1 to 64 characters of <c>[A-Za-z0-9_.-]</c>.</param>
    /// <param name="secret">The secret, at least 32 bytes (copied).</param>
    /// <exception cref="ArgumentException">The id or the secret is malformed.</exception>
    public RequestSigningKey(string keyId, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (!RequestSignature.IsValidKeyId(keyId))
        {
            throw new ArgumentException("A signing key id is 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' and '-'.", nameof(keyId));
        }

        if (secret.Length < RequestSignature.MinSecretBytes)
        {
            throw new ArgumentException($"A signing secret has at least {RequestSignature.MinSecretBytes} bytes.", nameof(secret));
        }

        KeyId = keyId;
        _secret = secret.ToArray();
    }

    /// <summary>The key id sent in <c>Marketplace-Key-Id</c>.</summary>
    public string KeyId { get; }

    /// <summary>A key from its id and its base64 secret (as in the silo's configuration).</summary>
    /// <exception cref="ArgumentException">The secret is not base64 of at least 32 bytes, or the id is malformed.</exception>
    public static RequestSigningKey FromBase64(string keyId, string base64Secret)
    {
        ArgumentNullException.ThrowIfNull(base64Secret);
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(base64Secret.Trim());
        }
        catch (FormatException)
        {
            throw new ArgumentException("The signing secret is not base64.", nameof(base64Secret));
        }

        return new RequestSigningKey(keyId, secret);
    }

    /// <summary>The lowercase hex signature of <paramref name="stringToSign"/>.</summary>
    internal string Sign(string stringToSign) => Convert.ToHexStringLower(RequestSignature.Sign(_secret, stringToSign));
}
