using System.Globalization;

namespace Marketplace.Persistence.Sqlite.Tests;

/// <summary>
/// Finds real collisions of the 32-bit hashes that key the tables by a deterministic search over pseudo-random keys
/// (fixed seed; birthday bound: ~80 000 tries, well under a second), so tests can check that rows whose hash columns
/// are equal stay apart.
/// </summary>
internal static class CollidingIds
{
    private const int Seed = 20261122;

    private static readonly Lazy<(GrainId First, GrainId Second)> Grains = new(() =>
    {
        var (first, second) = FindCollision(key => GrainId.Create("hashtest", key).GetUniformHashCode(), Seed);
        return (GrainId.Create("hashtest", first), GrainId.Create("hashtest", second));
    });

    private static readonly Lazy<(string First, string Second)> States =
        new(() => FindCollision(StableHash.ComputeHash, Seed + 1));

    /// <summary>Two different grain ids with the same uniform hash.</summary>
    public static (GrainId First, GrainId Second) GrainPair => Grains.Value;

    /// <summary>Two different state names with the same stable hash.</summary>
    public static (string First, string Second) StateNamePair => States.Value;

    private static (string First, string Second) FindCollision(Func<string, uint> hash, int seed)
    {
        var random = new Random(seed);
        var seen = new Dictionary<uint, string>();
        while (true)
        {
            var text = "c-" + random.NextInt64().ToString("x16", CultureInfo.InvariantCulture);
            var value = hash(text);
            if (seen.TryGetValue(value, out var other) && other != text)
            {
                return (other, text);
            }

            seen[value] = text;
        }
    }
}
