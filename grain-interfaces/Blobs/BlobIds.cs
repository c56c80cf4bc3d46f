using System.Diagnostics.CodeAnalysis;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Blob ids: <c>blob</c> + 64 lowercase hex digits, the Merkle root of <see cref="BlobMerkle"/> over the blob's chunk
/// hashes. Grains and manifests use only this canonical form; <see cref="TryNormalize"/> also accepts upper-case input
/// (for ids typed or pasted by people) and returns the canonical form.
/// </summary>
public static class BlobIds
{
    /// <summary>The prefix of every blob id.</summary>
    public const string Prefix = "blob";

    /// <summary>Length of a blob id in characters: 4 + 64.</summary>
    public const int Length = 68;

    /// <summary>True when <paramref name="id"/> is a canonical blob id (<c>blob</c> + 64 lowercase hex).</summary>
    public static bool IsValid([NotNullWhen(true)] string? id) =>
        id is { Length: Length } && id.StartsWith(Prefix, StringComparison.Ordinal) && IsLowerHex(id.AsSpan(Prefix.Length), 64);

    /// <summary>
    /// Accepts a blob id in any letter case (<c>BLOB0A1B…</c>, <c>blob0A1B…</c>) and returns its canonical lowercase
    /// form; false for anything else (wrong length, prefix or non-hex digits, surrounding spaces).
    /// </summary>
    public static bool TryNormalize(string? text, out string id)
    {
        id = "";
        if (text is not { Length: Length } || !text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var c in text.AsSpan(Prefix.Length))
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        id = IsValid(text) ? text : text.ToLowerInvariant();
        return true;
    }

    /// <summary>The canonical id a program manifest's blob reference names: a blob id in any letter case, or its 64
    /// hex digits without the prefix; null for anything else.</summary>
    internal static string? FromManifestReference(string? reference)
    {
        if (reference is null)
        {
            return null;
        }

        var hex = reference.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? reference[Prefix.Length..] : reference;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit) ? Prefix + hex.ToLowerInvariant() : null;
    }

    /// <summary>True when <paramref name="hash"/> is a chunk hash: 64 lowercase hex digits.</summary>
    public static bool IsValidChunkHash([NotNullWhen(true)] string? hash) => hash is { Length: 64 } && IsLowerHex(hash, 64);

    /// <summary>The blob id of a 32-byte Merkle root.</summary>
    internal static string FromRoot(ReadOnlySpan<byte> root) => Prefix + Convert.ToHexStringLower(root);

    /// <summary>Writes the 32-byte root of a canonical id into <paramref name="root"/>; false when the id is not canonical.</summary>
    internal static bool TryGetRoot([NotNullWhen(true)] string? id, Span<byte> root) =>
        IsValid(id) && Convert.FromHexString(id.AsSpan(Prefix.Length), root, out _, out var written) == System.Buffers.OperationStatus.Done && written == 32;

    private static bool IsLowerHex(ReadOnlySpan<char> text, int length)
    {
        if (text.Length != length)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
