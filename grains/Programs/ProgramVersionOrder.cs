using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Programs;

/// <summary>The catalog's order of the versions of one name: the name as deployed (ordinal, so letter-case variants
/// of a name stay apart), then semantic-version precedence.</summary>
internal sealed class ProgramVersionOrder : IComparer<ProgramInfo>
{
    /// <summary>The one instance.</summary>
    public static readonly ProgramVersionOrder Instance = new();

    /// <inheritdoc />
    public int Compare(ProgramInfo? x, ProgramInfo? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return Compare(x.Manifest.Name, SemanticVersion.TryParse(x.Manifest.Version), y);
    }

    /// <summary>Compares the position (<paramref name="name"/>, <paramref name="version"/>) with
    /// <paramref name="program"/>.</summary>
    public static int Compare(string name, SemanticVersion? version, ProgramInfo program)
    {
        var c = string.CompareOrdinal(name, program.Manifest.Name);
        if (c != 0)
        {
            return c;
        }

        var other = SemanticVersion.TryParse(program.Manifest.Version);
        return version is null ? (other is null ? 0 : -1) : version.CompareTo(other);
    }
}
