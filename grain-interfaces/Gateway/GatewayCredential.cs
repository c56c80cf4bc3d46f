namespace Marketplace.GrainInterfaces;

/// <summary>
/// What a grain client presents to a silo's gateway: the name of an operator service configured on the silos
/// (<c>Marketplace:Gateway:Services:{name}</c>) and that service's secret. Written <c>name:secret</c>, as in the CLI's
/// <c>--gateway-credential</c> and <c>MARKETPLACE_GATEWAY_CREDENTIAL</c>. The secret never crosses the wire: the
/// connection answers a fresh challenge with an HMAC of it, and each call carries a short-lived token signed with it.
/// </summary>
public sealed class GatewayCredential
{
    /// <summary>Longest service name: 64 characters.</summary>
    public const int MaxServiceLength = 64;

    /// <summary>Shortest secret: 32 characters.</summary>
    public const int MinSecretLength = 32;

    /// <summary>Longest secret: 512 characters.</summary>
    public const int MaxSecretLength = 512;

    /// <summary>Creates a credential.</summary>
    /// <exception cref="ArgumentException">The name is not a service name (<see cref="IsServiceName"/>) or the secret
    /// is shorter than <see cref="MinSecretLength"/>, longer than <see cref="MaxSecretLength"/> or has spaces or
    /// control characters.</exception>
    public GatewayCredential(string service, string secret)
    {
        if (!IsServiceName(service))
        {
            throw new ArgumentException($"gateway credential: '{service}' is not a service name (1 to {MaxServiceLength} letters, digits, '-' or '_').", nameof(service));
        }

        if (!IsSecret(secret))
        {
            throw new ArgumentException($"gateway credential: the secret of service '{service}' must be {MinSecretLength} to {MaxSecretLength} characters without spaces or control characters.", nameof(secret));
        }

        Service = service;
        Secret = secret;
    }

    /// <summary>The operator service's name.</summary>
    public string Service { get; }

    /// <summary>The service's secret.</summary>
    public string Secret { get; }

    /// <summary>Reads <c>name:secret</c>.</summary>
    /// <exception cref="ArgumentException">There is no ':' or either half is malformed (the message says which).</exception>
    public static GatewayCredential Parse(string text) =>
        TryParse(text, out var credential, out var error) ? credential : throw new ArgumentException(error, nameof(text));

    /// <summary>Reads <c>name:secret</c>; false with the reason in <paramref name="error"/> when it is malformed.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GatewayCredential? credential, out string error)
    {
        credential = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0)
        {
            error = "expected service:secret, e.g. dev:mk_dev_... (the service name, a colon, its secret)";
            return false;
        }

        var service = text[..colon].Trim();
        var secret = text[(colon + 1)..].Trim();
        if (!IsServiceName(service))
        {
            error = $"'{service}' is not a service name (1 to {MaxServiceLength} letters, digits, '-' or '_')";
            return false;
        }

        if (!IsSecret(secret))
        {
            error = $"the secret of service '{service}' must be {MinSecretLength} to {MaxSecretLength} characters without spaces or control characters";
            return false;
        }

        credential = new GatewayCredential(service, secret);
        error = "";
        return true;
    }

    /// <summary>True for 1 to <see cref="MaxServiceLength"/> ASCII letters, digits, '-' or '_'.</summary>
    public static bool IsServiceName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxServiceLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for <see cref="MinSecretLength"/> to <see cref="MaxSecretLength"/> characters without
    /// whitespace or control characters.</summary>
    public static bool IsSecret(string? secret)
    {
        if (secret is null || secret.Length is < MinSecretLength or > MaxSecretLength)
        {
            return false;
        }

        foreach (var c in secret)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The name only: a credential is never written out whole by accident.</summary>
    public override string ToString() => $"{Service}:***";
}
