namespace Marketplace.Runtime.Tests.Persistence;

/// <summary>
/// Finds real collisions of the stable 32-bit hashes by a deterministic search (birthday bound: ~80 000 tries),
/// so tests can check that rows whose hash columns are equal stay apart.
/// </summary>
internal static class CollidingIds
{
    private static readonly Lazy<(GrainId First, GrainId Second)> Grains = new(() =>
    {
        var seen = new Dictionary<uint, string>();
        for (var i = 0; ; i++)
        {
            var key = "collide-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var hash = StableHash.Of("hashtest", key);
            if (seen.TryGetValue(hash, out var other))
            {
                return (new GrainId("hashtest", other), new GrainId("hashtest", key));
            }

            seen.Add(hash, key);
        }
    });

    private static readonly Lazy<(string First, string Second)> States = new(() =>
    {
        var seen = new Dictionary<uint, string>();
        for (var i = 0; ; i++)
        {
            var name = "state-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var hash = StableHash.Of(name);
            if (seen.TryGetValue(hash, out var other))
            {
                return (other, name);
            }

            seen.Add(hash, name);
        }
    });

    /// <summary>Two different grain ids with the same uniform hash.</summary>
    public static (GrainId First, GrainId Second) GrainPair => Grains.Value;

    /// <summary>Two different state names with the same stable hash.</summary>
    public static (string First, string Second) StateNamePair => States.Value;
}
