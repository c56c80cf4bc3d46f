// Design: a signed request is checked in two steps around the client's rate-limit token, so a thief holding a
// client's API key but not its signing secret cannot spend the owner's budget with forged requests. Authenticate,
// after the API key: all five headers present and well formed (else signature_invalid; none at all is an unsigned
// request, refused with signature_required only for clients that must sign), the key id known (signing_key_unknown)
// and belonging to the API key's client (signing_key_mismatch), the timestamp within ±SignatureSkew of the injected
// clock (signature_expired), the HMAC over the signed string (method, target, timestamp, nonce, body hash,
// Content-Type, Range, key id) equal in constant time (signature_invalid). Then the caller takes the rate-limit token,
// and AcceptAsync records the nonce, in this silo's cache and then in the cluster's store when there is one
// (nonce_replayed when either has seen it; only verified requests are recorded, so forged ones cannot use up
// nonces), and checks the body's SHA-256 (content_hash_mismatch). The body is read into memory and hashed before the
// endpoint runs (Kestrel bounds it by MaxJsonBodyBytes), except for endpoints that stream their body (blob uploads):
// there it is hashed as the endpoint reads it, and a mismatch fails the read at the body's end, before the upload is
// committed.
using System.Security.Cryptography;
using Marketplace.GrainInterfaces.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Silo.Api;

/// <summary>Verifies signed requests (silo/README.md, "Signed requests").</summary>
internal sealed class RequestSignatureVerifier
{
    /// <summary>Service key of the clock signatures are checked against (tests inject a fake one).</summary>
    public const string ClockKey = "Marketplace:Api:SignatureClock";

    private const string Challenge = "Bearer realm=\"marketplace\", Marketplace-Signature version=\"" + RequestSignature.Version + "\"";

    private readonly RequestSigningOptions _options;
    private readonly Dictionary<string, (string Client, byte[] Secret)> _keys = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly NonceCache _nonces;
    private readonly IClusterNonceStore? _cluster;

    public RequestSignatureVerifier(IOptions<RequestSigningOptions> options, [FromKeyedServices(ClockKey)] TimeProvider clock, IClusterNonceStore? cluster = null)
    {
        _options = options.Value;
        _clock = clock;
        _cluster = cluster;
        _nonces = new NonceCache(_options.NonceCacheCapacity, Math.Max(1, _options.SigningKeys.Count));
        foreach (var (keyId, key) in _options.SigningKeys)
        {
            _keys[keyId] = (key.Client, RequestSigningOptionsValidator.TryDecodeSecret(key.Secret)!);
        }
    }

    /// <summary>Checks the signature headers of an authenticated request of <paramref name="clientId"/>: null for a
    /// request without any (refused when the client must sign), else the verified signature, whose nonce and body
    /// <see cref="AcceptAsync"/> checks next.</summary>
    public VerifiedSignature? Authenticate(HttpContext context, string clientId)
    {
        var request = context.Request;
        var present = 0;
        foreach (var header in RequestSignature.Headers)
        {
            if (request.Headers.ContainsKey(header))
            {
                present++;
            }
        }

        if (present == 0)
        {
            if (_options.Requires(clientId))
            {
                throw Problem(ProblemCodes.SignatureRequired, "This client must sign its requests: send the Marketplace-Key-Id, -Timestamp, -Nonce, -Content-SHA256 and -Signature headers.");
            }

            return null;
        }

        if (present < RequestSignature.Headers.Count)
        {
            throw Problem(ProblemCodes.SignatureInvalid, "A signed request needs all of Marketplace-Key-Id, -Timestamp, -Nonce, -Content-SHA256 and -Signature.");
        }

        var keyId = Single(request, RequestSignature.KeyIdHeader);
        var timestampText = Single(request, RequestSignature.TimestampHeader);
        var nonce = Single(request, RequestSignature.NonceHeader);
        var contentHashText = Single(request, RequestSignature.ContentSha256Header);
        var signatureText = Single(request, RequestSignature.SignatureHeader);
        if (!RequestSignature.IsValidKeyId(keyId))
        {
            throw Problem(ProblemCodes.SignatureInvalid, "Marketplace-Key-Id must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' and '-'.");
        }

        if (!long.TryParse(timestampText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var timestamp)
            || timestampText.Length > 12)
        {
            throw Problem(ProblemCodes.SignatureInvalid, "Marketplace-Timestamp must be Unix time in seconds (decimal digits).");
        }

        if (!RequestSignature.IsValidNonce(nonce))
        {
            throw Problem(ProblemCodes.SignatureInvalid, "Marketplace-Nonce must be 16 to 64 characters of A-Z, a-z, 0-9, '_' and '-'.");
        }

        var contentHash = Hex(contentHashText, SHA256.HashSizeInBytes)
            ?? throw Problem(ProblemCodes.SignatureInvalid, "Marketplace-Content-SHA256 must be 64 hex digits.");
        var signature = Hex(signatureText, HMACSHA256.HashSizeInBytes)
            ?? throw Problem(ProblemCodes.SignatureInvalid, "Marketplace-Signature must be 64 hex digits.");

        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw Problem(ProblemCodes.SigningKeyUnknown, "Marketplace-Key-Id names no signing key of this server.");
        }

        if (!string.Equals(key.Client, clientId, StringComparison.Ordinal))
        {
            throw Problem(ProblemCodes.SigningKeyMismatch, "The signing key belongs to another client than the API key.");
        }

        var now = _clock.GetUtcNow();
        var skew = (long)_options.SignatureSkew.TotalSeconds;
        if (Math.Abs(timestamp - now.ToUnixTimeSeconds()) > skew)
        {
            throw Problem(ProblemCodes.SignatureExpired, $"Marketplace-Timestamp is more than {skew} seconds from the server's clock; sign with the current time.");
        }

        var contentType = Optional(request, "Content-Type");
        var range = Optional(request, "Range");
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path + request.QueryString).ToString();
        var stringToSign = RequestSignature.StringToSign(request.Method, target, timestamp, nonce, Convert.ToHexStringLower(contentHash),
            contentType, range, keyId);
        var expected = RequestSignature.Sign(key.Secret, stringToSign);
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            throw Problem(ProblemCodes.SignatureInvalid, "The signature does not match the request.");
        }

        return new VerifiedSignature(keyId, nonce, contentHash, now);
    }

    /// <summary>Records the nonce of a verified request (refusing a replay) and has its body checked against the
    /// signed hash, before the endpoint runs or, for a streamed upload, as it reads the body.</summary>
    public async Task AcceptAsync(HttpContext context, VerifiedSignature signature)
    {
        var request = context.Request;
        var (keyId, nonce, contentHash, now) = signature;
        switch (_nonces.TryRecord(keyId, nonce, now, 2 * _options.SignatureSkew))
        {
            case NonceResult.Replayed:
                throw NonceReplayed();
            case NonceResult.KeyFull:
                var problem = new ApiProblemException(ProblemCodes.RateLimited,
                    $"This signing key sent {_nonces.KeyShare} signed requests within the last {(2 * _options.SignatureSkew).TotalMinutes:0.#} minutes, its share of the silo's nonce cache (Marketplace:Api:NonceCacheCapacity / signing keys); retry in a minute.");
                problem.Headers["Retry-After"] = "60";
                throw problem;
            case NonceResult.Full:
                throw new ApiProblemException(ProblemCodes.Unavailable, "Too many signed requests are in flight to remember their nonces; retry shortly.");
        }

        // Fresh here; the cluster's record says whether another silo accepted it first.
        if (_cluster is not null
            && !await _cluster.TryRecordAsync(keyId, nonce, now, now + 2 * _options.SignatureSkew, context.RequestAborted))
        {
            throw NonceReplayed();
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<StreamedRequestBody>() is not null)
        {
            request.Body = new ContentHashStream(request.Body, contentHash, request.ContentLength);
            return;
        }

        await OversizedBody.RefuseIfDeclaredOverLimitAsync(request);
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)), contentHash))
        {
            throw ContentHashMismatch();
        }

        body.Position = 0;
        request.Body = body;
    }

    /// <summary>The problem of a body whose SHA-256 is not the signed one.</summary>
    public static ApiProblemException ContentHashMismatch() =>
        Problem(ProblemCodes.ContentHashMismatch, "The body's SHA-256 is not the one in Marketplace-Content-SHA256.");

    private static string Single(HttpRequest request, string header)
    {
        StringValues values = request.Headers[header];
        if (values.Count != 1 || values[0] is not { } value)
        {
            throw Problem(ProblemCodes.SignatureInvalid, $"{header} must appear once.");
        }

        return value.Trim();
    }

    private static ApiProblemException NonceReplayed() =>
        Problem(ProblemCodes.NonceReplayed, "This nonce was used before with this signing key; sign every request with a fresh nonce.");

    // A header that is signed when present: its value, or empty when absent; sent twice it is ambiguous.
    private static string Optional(HttpRequest request, string header)
    {
        StringValues values = request.Headers[header];
        if (values.Count > 1)
        {
            throw Problem(ProblemCodes.SignatureInvalid, $"{header} must appear at most once in a signed request.");
        }

        return values.Count == 0 ? "" : (values[0] ?? "").Trim();
    }

    private static byte[]? Hex(string text, int bytes)
    {
        if (text.Length != 2 * bytes)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static ApiProblemException Problem(string code, string detail)
    {
        var problem = new ApiProblemException(code, detail);
        problem.Headers["WWW-Authenticate"] = Challenge;
        return problem;
    }
}

/// <summary>A request whose signature verified: its key id, nonce, signed body hash and the clock when checked.</summary>
internal sealed record VerifiedSignature(string KeyId, string Nonce, byte[] ContentHash, DateTimeOffset CheckedAt);
