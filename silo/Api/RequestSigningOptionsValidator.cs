using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Http;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>Rejects signing settings that could never verify a request, naming the field and its value (never a
/// secret's value).</summary>
internal sealed class RequestSigningOptionsValidator : IValidateOptions<RequestSigningOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestSigningOptions options)
    {
        var failures = new List<string>();
        var prefix = RequestSigningOptions.Section;
        if (options.SignatureSkew <= TimeSpan.Zero || options.SignatureSkew > TimeSpan.FromDays(1))
        {
            failures.Add($"{prefix}:SignatureSkew is {options.SignatureSkew}; it must be more than zero and at most one day.");
        }

        if (options.NonceCacheCapacity < 1)
        {
            failures.Add($"{prefix}:NonceCacheCapacity is {options.NonceCacheCapacity}; it must be at least 1.");
        }

        foreach (var (keyId, key) in options.SigningKeys)
        {
            if (!RequestSignature.IsValidKeyId(keyId))
            {
                failures.Add($"{prefix}:SigningKeys: key id '{keyId}' must be 1 to {RequestSignature.MaxKeyIdLength} characters of A-Z, a-z, 0-9, '_', '.' and '-'.");
            }

            if (!ClientIds.IsValid(key.Client))
            {
                failures.Add($"{prefix}:SigningKeys:{keyId}:Client '{key.Client}' must be 1 to {ClientIds.MaxLength} characters without control characters or '/'.");
            }

            if (TryDecodeSecret(key.Secret) is null)
            {
                failures.Add($"{prefix}:SigningKeys:{keyId}:Secret must be base64 of at least {RequestSignature.MinSecretBytes} bytes.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The secret's bytes, or null when it is not base64 of at least 32 bytes.</summary>
    public static byte[]? TryDecodeSecret(string secret)
    {
        try
        {
            var bytes = Convert.FromBase64String(secret.Trim());
            return bytes.Length >= RequestSignature.MinSecretBytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
