using System.Security.Cryptography;
using System.Text;

namespace Marketplace.GrainInterfaces;

/// <summary>Job ids: <c>job</c> + 32 hex. With a request id the id is derived from (client id, request id), so a
/// retried submit reaches the same <see cref="IJobGrain"/>; without one it is random.</summary>
public static class JobIds
{
    /// <summary>The id of the job <paramref name="clientId"/> submits with <paramref name="requestId"/>
    /// (null or empty: a fresh random id).</summary>
    public static string For(string clientId, string? requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        Span<byte> hash = stackalloc byte[32];
        if (string.IsNullOrEmpty(requestId))
        {
            RandomNumberGenerator.Fill(hash);
        }
        else
        {
            var material = Encoding.UTF8.GetBytes(clientId.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + clientId + requestId);
            SHA256.HashData(material, hash);
        }

        return "job" + Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>True when <paramref name="id"/> has the job id shape.</summary>
    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != 35 || !id.StartsWith("job", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id.AsSpan(3))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
