// Design: the one definition of a signed API request, shared by the silo (which verifies) and the sdk (which signs),
// so both build the same bytes. The signed string is nine lines joined by '\n' (no trailing newline): the version
// tag, the method, the path with its query exactly as sent on the request line, the Unix timestamp in seconds, the
// nonce, the lowercase hex SHA-256 of the body (of no bytes when there is no body), the Content-Type and Range header
// values as sent (empty lines when absent: both change how the silo reads the request or what it answers) and the
// key id. The signature is the lowercase hex HMAC-SHA256 of its UTF-8 bytes under the key's secret. silo/README.md
// ("Signed requests") shows a worked example.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.GrainInterfaces.Http;

/// <summary>The layout of a signed HTTP API request: header names, the signed string and the HMAC-SHA256 signature.</summary>
public static class RequestSignature
{
    /// <summary>First line of the signed string: the layout's version.</summary>
    public const string Version = "marketplace-request-v2";

    /// <summary>Header naming the signing key.</summary>
    public const string KeyIdHeader = "Marketplace-Key-Id";

    /// <summary>Header with the Unix time of signing, in seconds.</summary>
    public const string TimestampHeader = "Marketplace-Timestamp";

    /// <summary>Header with a value used once per key within the accepted clock skew.</summary>
    public const string NonceHeader = "Marketplace-Nonce";

    /// <summary>Header with the lowercase hex SHA-256 of the request body.</summary>
    public const string ContentSha256Header = "Marketplace-Content-SHA256";

    /// <summary>Header with the lowercase hex HMAC-SHA256 of the signed string.</summary>
    public const string SignatureHeader = "Marketplace-Signature";

    /// <summary>Shortest nonce.</summary>
    public const int MinNonceLength = 16;

    /// <summary>Longest nonce.</summary>
    public const int MaxNonceLength = 64;

    /// <summary>Longest key id.</summary>
    public const int MaxKeyIdLength = 64;

    /// <summary>Fewest bytes of a signing secret.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>The five headers of a signed request, in the order above.</summary>
    public static IReadOnlyList<string> Headers { get; } =
        [KeyIdHeader, TimestampHeader, NonceHeader, ContentSha256Header, SignatureHeader];

    /// <summary>Lowercase hex SHA-256 of no bytes: the content hash of a request without a body.</summary>
    public static string EmptyContentSha256 { get; } = Convert.ToHexStringLower(SHA256.HashData([]));

    /// <summary>Whether <paramref name="nonce"/> is 16 to 64 characters of <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsValidNonce(string nonce) =>
        nonce.Length is >= MinNonceLength and <= MaxNonceLength && IsToken(nonce, allowDot: false);

    /// <summary>Whether <paramref name="keyId"/> is 1 to 64 characters of <c>[A-Za-z0-9_.-]</c>.</summary>
    public static bool IsValidKeyId(string keyId) =>
        keyId.Length is >= 1 and <= MaxKeyIdLength && IsToken(keyId, allowDot: true);

    /// <summary>The signed string of a request.</summary>
    /// <param name="method">The HTTP method as sent, e.g. <c>POST</c>.</param>
    /// <param name="pathAndQuery">The request target as sent, e.g. <c>/v1/jobs?status=completed</c>.</param>
    /// <param name="timestamp">Unix seconds.</param>
    /// <param name="nonce">The request's nonce.</param>
    /// <param name="contentSha256">Lowercase hex SHA-256 of the body.</param>
    /// <param name="contentType">The <c>Content-Type</c> header's value as sent (trimmed), or empty when none is sent.</param>
    /// <param name="range">The <c>Range</c> header's value as sent (trimmed), or empty when none is sent.</param>
    /// <param name="keyId">The signing key's id.</param>
    public static string StringToSign(string method, string pathAndQuery, long timestamp, string nonce, string contentSha256,
        string contentType, string range, string keyId) =>
        string.Join('\n', Version, method, pathAndQuery, timestamp.ToString(CultureInfo.InvariantCulture), nonce, contentSha256,
            contentType.Trim(), range.Trim(), keyId);

    /// <summary>The HMAC-SHA256 of <paramref name="stringToSign"/> under <paramref name="secret"/>.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> secret, string stringToSign) =>
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(stringToSign));

    /// <summary>A fresh random nonce: 32 characters of base64url.</summary>
    public static string NewNonce()
    {
        Span<byte> bytes = stackalloc byte[24];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    private static bool IsToken(string value, bool allowDot)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-' && !(allowDot && c == '.'))
            {
                return false;
            }
        }

        return true;
    }
}
