// Design: the cluster's interface -> grain type map that a silo gateway hands to clients in its handshake, so a client
// needs only the grain interfaces, not the grain classes. One entry per (interface, implementing class): the interface
// full name, the grain type name and the class full name (the class name lets the client apply the same
// grainClassNamePrefix rule as the silo). Resolution follows GrainTypeResolver: one implementation is the default;
// several need a prefix that leaves exactly one.
using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Catalog;

/// <summary>Which grain types implement which grain interfaces in a cluster (as sent by a gateway).</summary>
internal sealed class GrainManifest
{
    private readonly Dictionary<string, List<GrainManifestEntry>> _byInterface = new(StringComparer.Ordinal);

    /// <summary>Creates a manifest from its entries.</summary>
    public GrainManifest(IEnumerable<GrainManifestEntry> entries)
    {
        foreach (var e in entries)
        {
            if (!_byInterface.TryGetValue(e.Interface, out var list))
            {
                _byInterface[e.Interface] = list = [];
            }

            list.Add(e);
            Count++;
        }
    }

    /// <summary>Number of (interface, class) entries.</summary>
    public int Count { get; }

    /// <summary>Every entry.</summary>
    public IEnumerable<GrainManifestEntry> Entries => _byInterface.Values.SelectMany(l => l);

    /// <summary>The manifest of the grain classes registered in this process (what a silo hosts).</summary>
    public static GrainManifest FromLocalClasses()
    {
        var (classes, _) = GrainClassRegistry.Snapshot();
        var entries = new List<GrainManifestEntry>();
        foreach (var c in classes)
        {
            foreach (var i in c.Interfaces)
            {
                entries.Add(new GrainManifestEntry(i.FullName!, c.GrainType, c.GrainClass.FullName!));
            }
        }

        return new GrainManifest(entries);
    }

    /// <summary>The grain type implementing <paramref name="interfaceType"/>, or false with the reason.</summary>
    public bool TryResolve(Type interfaceType, string? grainClassNamePrefix, out string grainType, out string error)
    {
        grainType = string.Empty;
        var name = interfaceType.FullName!;
        if (!_byInterface.TryGetValue(name, out var list))
        {
            error = $"No grain class implementing {name} is hosted by the cluster (not in the gateway's grain manifest).";
            return false;
        }

        string? found = null;
        var matches = 0;
        foreach (var e in list)
        {
            if (grainClassNamePrefix is null || e.GrainClass.StartsWith(grainClassNamePrefix, StringComparison.Ordinal))
            {
                found = e.GrainType;
                matches++;
            }
        }

        switch (matches)
        {
            case 1:
                grainType = found!;
                error = string.Empty;
                return true;
            case 0:
                error = $"No grain class implementing {name} in the cluster starts with '{grainClassNamePrefix}'.";
                return false;
            default:
                error = $"Several grain classes implement {name} in the cluster ({string.Join(", ", list.Select(e => e.GrainClass))}); pass grainClassNamePrefix to GetGrain.";
                return false;
        }
    }
}

/// <summary>One (interface, implementing class) pair of a <see cref="GrainManifest"/>.</summary>
internal readonly record struct GrainManifestEntry(string Interface, string GrainType, string GrainClass);
