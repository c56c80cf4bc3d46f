// Design: the digest covers every field that changes what the job does or costs, in a fixed order with length
// prefixes, and dictionaries sorted by key, so two submissions have the same digest exactly when they ask for the same
// work. Client and request id are the job's identity, not its body, and are left out. The program reference is taken
// as written (a name resolving to a new version later is still the same request).
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>SHA-256 of a <see cref="JobSubmission"/>'s body, for telling a retried submit from a different one.</summary>
internal static class JobSubmissionDigest
{
    /// <summary>The digest as 64 lowercase hex characters.</summary>
    public static string Compute(JobSubmission s)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Text(hash, s.Program.Trim());
        Text(hash, s.InputBlobId);
        Bytes(hash, s.InputInline);
        Number(hash, s.MaxFuel);
        Number(hash, s.MaxPricePerMillionFuel);
        Number(hash, s.TimeoutMs);
        Number(hash, s.MaxRetries);
        Number(hash, s.TtlMs);
        Number(hash, s.MaxMemoryBytes);
        Map(hash, s.Labels);
        Map(hash, s.Constraints);
        Map(hash, s.Env);
        var args = s.Args ?? [];
        Number(hash, args.Count);
        foreach (var arg in args)
        {
            Text(hash, arg);
        }

        if (s.CommitteeSize is { } committee)
        {
            // Only when given, so digests of submissions made before the committee existed stay as they were.
            Text(hash, "committee_size");
            Number(hash, committee);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Map(IncrementalHash hash, Dictionary<string, string>? map)
    {
        if (map is null || map.Count == 0)
        {
            Number(hash, 0);
            return;
        }

        var keys = new string[map.Count];
        map.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);
        Number(hash, keys.Length);
        foreach (var key in keys)
        {
            Text(hash, key);
            Text(hash, map[key]);
        }
    }

    private static void Text(IncrementalHash hash, string? text) => Bytes(hash, text is null ? null : Encoding.UTF8.GetBytes(text));

    private static void Bytes(IncrementalHash hash, byte[]? bytes)
    {
        // -1 marks absent, so null and empty differ.
        Number(hash, bytes is null ? -1 : bytes.Length);
        if (bytes is not null)
        {
            hash.AppendData(bytes);
        }
    }

    private static void Number(IncrementalHash hash, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }
}
