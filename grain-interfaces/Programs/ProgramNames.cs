using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Program names: 1-64 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>, starting with a letter or digit. A name is one
/// catalog entry whatever its letter case (<c>Echo</c> and <c>echo</c> share owner, delegates and versions), so the
/// catalog keys it by its normalized form, the lowercase name (<see cref="IProgramNameGrain"/>).
/// </summary>
public static partial class ProgramNames
{
    /// <summary>Longest name, in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="name"/> is a valid program name.</summary>
    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The normalized (lowercase) form of a valid name; null when <paramref name="name"/> is not one.</summary>
    public static string? Normalize(string? name) => IsValid(name) ? name.ToLowerInvariant() : null;

    /// <summary>True when <paramref name="key"/> is a valid name in its normalized form.</summary>
    public static bool IsNormalized([NotNullWhen(true)] string? key) => IsValid(key) && string.Equals(key, key.ToLowerInvariant(), StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
