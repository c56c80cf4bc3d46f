using System.Text;

namespace Marketplace.Runtime;

/// <summary>
/// Identifies one grain in the whole cluster: a grain type name plus a key.
/// </summary>
/// <remarks>
/// <see cref="Type"/> is the grain type name (from <c>[GrainType("name")]</c> or derived from the class name);
/// <see cref="Key"/> is the key in its canonical string form (string keys as given, GUIDs in "N" format,
/// integers in decimal, compound keys as <c>key+extension</c>).
/// <see cref="GetUniformHashCode"/> is stable across processes and machines: placement, the directory,
/// reminders and storage rows depend on it, so it must never change.
/// </remarks>
public readonly struct GrainId : IEquatable<GrainId>
{
    /// <summary>Creates a grain id from a type name and a canonical key.</summary>
    /// <exception cref="ArgumentException">The type is empty or contains '/'.</exception>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        if (type.Contains('/'))
        {
            throw new ArgumentException("A grain type name cannot contain '/'.", nameof(type));
        }

        Type = type;
        Key = key;
    }

    /// <summary>The grain type name.</summary>
    public string Type { get; }

    /// <summary>The key in canonical string form.</summary>
    public string Key { get; }

    /// <summary>True for the default (empty) value.</summary>
    public bool IsDefault => Type is null;

    /// <summary>
    /// A hash of type and key that is identical on every machine and every run (FNV-1a over the UTF-8 bytes of
    /// <c>type/key</c>, finalised with a murmur3 mix for an even spread).
    /// </summary>
    public uint GetUniformHashCode() => StableHash.Of(Type, Key);

    /// <summary>Parses the <c>type/key</c> form produced by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text has no '/' or an empty type.</exception>
    public static GrainId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new FormatException($"'{text}' is not a grain id of the form type/key.");
        }

        return new GrainId(text[..slash], text[(slash + 1)..]);
    }

    /// <inheritdoc />
    public bool Equals(GrainId other) =>
        string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    /// <inheritdoc />
    /// <remarks>Per-process (randomized string hashing), for in-memory maps on the call path; use
    /// <see cref="GetUniformHashCode"/> for anything that must agree between machines.</remarks>
    public override int GetHashCode() =>
        HashCode.Combine(Type is null ? 0 : StringComparer.Ordinal.GetHashCode(Type), Key is null ? 0 : StringComparer.Ordinal.GetHashCode(Key));

    /// <summary>The <c>type/key</c> form.</summary>
    public override string ToString() => IsDefault ? "(none)" : $"{Type}/{Key}";

    /// <summary>Equality.</summary>
    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);
}

/// <summary>Stable 32-bit hashing shared by grain ids, placement and storage rows.</summary>
public static class StableHash
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>Hash of <c>type/key</c> as UTF-8, identical on every machine.</summary>
    public static uint Of(string? type, string? key)
    {
        var h = FnvOffset;
        h = Add(h, type);
        h = (h ^ '/') * FnvPrime;
        h = Add(h, key);
        return Mix(h);
    }

    /// <summary>Hash of a string as UTF-8, identical on every machine.</summary>
    public static uint Of(string? text) => Mix(Add(FnvOffset, text));

    /// <summary>Hash of raw bytes, identical on every machine.</summary>
    public static uint Of(ReadOnlySpan<byte> bytes)
    {
        var h = FnvOffset;
        foreach (var b in bytes)
        {
            h = (h ^ b) * FnvPrime;
        }

        return Mix(h);
    }

    private static uint Add(uint h, string? text)
    {
        if (text is null)
        {
            return h;
        }

        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var n = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < n; i++)
            {
                h = (h ^ buffer[i]) * FnvPrime;
            }
        }

        return h;
    }

    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h;
    }
}
