// Design: two proofs of one secret. The connection proof answers a fresh 32-byte challenge the silo sends before
// Orleans' own preamble, so nothing a client sends is read as an Orleans message until it has proved a service's
// secret; a captured proof is worthless on another connection. The call token rides in every grain call's
// RequestContext so that whichever silo runs the grain (not only the gateway silo) knows which service the call came
// through and what it may do; it expires within minutes and names its expiry, so it needs no state to check.
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The wire format of the gateway's credential check, shared by the silos and the sdk. A connection opens with
/// <see cref="HelloLength"/> bytes from the silo (<c>MPGW</c>, version 1, a 32-byte challenge); the client answers
/// <c>MPGW</c>, 1, the service name's length (one byte), the name (ASCII) and
/// <see cref="ConnectionProof"/> (32 bytes); the silo answers one byte, 0 for accepted, or 1 followed by a two-byte
/// big-endian length and a UTF-8 reason, and closes. Each grain call then carries <see cref="CallTokenKey"/> in its
/// RequestContext: <c>v1.{service}.{expiry unix seconds}.{hex HMAC}</c>.
/// </summary>
public static class GatewayProtocol
{
    /// <summary>The RequestContext key of the call token.</summary>
    public const string CallTokenKey = "marketplace-gateway";

    /// <summary>Bytes of the silo's hello: magic, version, challenge.</summary>
    public const int HelloLength = 4 + 1 + ChallengeLength;

    /// <summary>Bytes of the challenge.</summary>
    public const int ChallengeLength = 32;

    /// <summary>Bytes of a connection proof (HMAC-SHA256).</summary>
    public const int ProofLength = 32;

    /// <summary>The protocol version byte.</summary>
    public const byte Version = 1;

    /// <summary>The verdict byte for an accepted connection.</summary>
    public const byte Accepted = 0;

    /// <summary>The verdict byte for a refused connection (a reason follows).</summary>
    public const byte Refused = 1;

    /// <summary>Longest lifetime a call token may claim: 10 minutes (tokens further in the future are refused).</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The four magic bytes, <c>MPGW</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "MPGW"u8;

    /// <summary>HMAC-SHA256 of <c>marketplace-gateway-v1\n{hex challenge}\n{service}</c> under the secret.</summary>
    public static byte[] ConnectionProof(string secret, ReadOnlySpan<byte> challenge, string service)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(service);
        var text = $"marketplace-gateway-v1\n{Convert.ToHexStringLower(challenge)}\n{service}";
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The client's answer to a hello: magic, version, name length, name, proof.</summary>
    public static byte[] Answer(GatewayCredential credential, ReadOnlySpan<byte> challenge)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var name = Encoding.ASCII.GetBytes(credential.Service);
        var answer = new byte[4 + 1 + 1 + name.Length + ProofLength];
        Magic.CopyTo(answer);
        answer[4] = Version;
        answer[5] = (byte)name.Length;
        name.CopyTo(answer, 6);
        ConnectionProof(credential.Secret, challenge, credential.Service).CopyTo(answer, 6 + name.Length);
        return answer;
    }

    /// <summary>The silo's refusal: <see cref="Refused"/>, length, UTF-8 reason (cut to 1,024 bytes).</summary>
    public static byte[] Refusal(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var text = Encoding.UTF8.GetBytes(reason);
        var length = Math.Min(text.Length, 1024);
        var bytes = new byte[3 + length];
        bytes[0] = Refused;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), (ushort)length);
        text.AsSpan(0, length).CopyTo(bytes.AsSpan(3));
        return bytes;
    }

    /// <summary>A call token for <paramref name="credential"/> that expires at <paramref name="expires"/> (whole seconds).</summary>
    public static string CallToken(GatewayCredential credential, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var seconds = expires.ToUnixTimeSeconds();
        return $"v1.{credential.Service}.{seconds.ToString(CultureInfo.InvariantCulture)}.{Convert.ToHexStringLower(TokenMac(credential.Secret, credential.Service, seconds))}";
    }

    /// <summary>Splits a call token into its service, expiry and MAC; false when it is not shaped as one.</summary>
    public static bool TryReadCallToken(string? token, out string service, out long expiresUnixSeconds, out byte[] mac)
    {
        service = "";
        expiresUnixSeconds = 0;
        mac = [];
        if (token is null || token.Length > 200 || !token.StartsWith("v1.", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 4 || !GatewayCredential.IsServiceName(parts[1])
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out expiresUnixSeconds)
            || parts[3].Length != 64)
        {
            return false;
        }

        try
        {
            mac = Convert.FromHexString(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        service = parts[1];
        return true;
    }

    /// <summary>True when <paramref name="mac"/> is the token MAC of the service and expiry under the secret
    /// (fixed-time comparison).</summary>
    public static bool TokenMacMatches(string secret, string service, long expiresUnixSeconds, ReadOnlySpan<byte> mac) =>
        CryptographicOperations.FixedTimeEquals(TokenMac(secret, service, expiresUnixSeconds), mac);

    private static byte[] TokenMac(string secret, string service, long expiresUnixSeconds) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"marketplace-gateway-call-v1\n{service}\n{expiresUnixSeconds.ToString(CultureInfo.InvariantCulture)}"));
}
