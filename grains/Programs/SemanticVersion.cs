namespace Marketplace.Grains.Programs;

/// <summary>A semantic version (2.0.0): MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], ordered by precedence.</summary>
internal sealed class SemanticVersion : IComparable<SemanticVersion>
{
    private readonly string[] _prerelease;

    private SemanticVersion(ulong major, ulong minor, ulong patch, string[] prerelease)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        _prerelease = prerelease;
    }

    public ulong Major { get; }

    public ulong Minor { get; }

    public ulong Patch { get; }

    /// <summary>Parses <paramref name="text"/>; null when it is not a semantic version.</summary>
    public static SemanticVersion? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return null;
        }

        var plus = text.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0 && !Identifiers(text[(plus + 1)..], numericRule: false))
        {
            return null;
        }

        var core = plus >= 0 ? text[..plus] : text;
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        string[] prerelease = [];
        if (dash >= 0)
        {
            var pre = core[(dash + 1)..];
            if (!Identifiers(pre, numericRule: true))
            {
                return null;
            }

            prerelease = pre.Split('.');
            core = core[..dash];
        }

        var parts = core.Split('.');
        if (parts.Length != 3 || !Numeric(parts[0], out var major) || !Numeric(parts[1], out var minor) || !Numeric(parts[2], out var patch))
        {
            return null;
        }

        return new SemanticVersion(major, minor, patch, prerelease);
    }

    /// <inheritdoc />
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        c = c != 0 ? c : Minor.CompareTo(other.Minor);
        c = c != 0 ? c : Patch.CompareTo(other.Patch);
        if (c != 0)
        {
            return c;
        }

        // A version without prerelease ranks above one with it.
        if (_prerelease.Length == 0 || other._prerelease.Length == 0)
        {
            return _prerelease.Length == other._prerelease.Length ? 0 : _prerelease.Length == 0 ? 1 : -1;
        }

        for (var i = 0; i < Math.Min(_prerelease.Length, other._prerelease.Length); i++)
        {
            var a = _prerelease[i];
            var b = other._prerelease[i];
            var aNum = ulong.TryParse(a, out var an);
            var bNum = ulong.TryParse(b, out var bn);
            c = (aNum, bNum) switch
            {
                (true, true) => an.CompareTo(bn),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a, b),
            };
            if (c != 0)
            {
                return Math.Sign(c);
            }
        }

        return _prerelease.Length.CompareTo(other._prerelease.Length);
    }

    private static bool Numeric(string s, out ulong value)
    {
        value = 0;
        return s.Length > 0 && (s == "0" || s[0] != '0') && s.All(char.IsAsciiDigit) && ulong.TryParse(s, out value);
    }

    private static bool Identifiers(string s, bool numericRule)
    {
        if (s.Length == 0)
        {
            return false;
        }

        foreach (var id in s.Split('.'))
        {
            if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }

            if (numericRule && id.Length > 1 && id[0] == '0' && id.All(char.IsAsciiDigit))
            {
                return false;
            }
        }

        return true;
    }
}
