using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Catalog;

/// <summary>
/// Maps grain interfaces to grain types and grain types to class metadata, from the generated registrations.
/// An interface implemented by several classes needs a class-name prefix (Orleans' <c>grainClassNamePrefix</c>).
/// </summary>
internal static class GrainTypeResolver
{
    private static readonly Lock Gate = new();
    private static int _version = -1;
    private static int _manifestVersion;
    private static Dictionary<string, GrainClassMetadata> _byType = new(StringComparer.Ordinal);
    private static Dictionary<Type, List<GrainClassMetadata>> _byInterface = new();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string> Manifest = new();

    /// <summary>
    /// Maps an interface to a grain type without the grain class being loaded (clients that learn the cluster's
    /// manifest from a gateway). Registered mappings win over local classes.
    /// </summary>
    public static void RegisterInterfaceMapping(Type interfaceType, string grainType)
    {
        Manifest[interfaceType] = grainType;
        Interlocked.Increment(ref _manifestVersion);
    }

    /// <summary>The class metadata for a grain type name, or null.</summary>
    public static GrainClassMetadata? FindByGrainType(string grainType)
    {
        Refresh();
        return _byType.TryGetValue(grainType, out var m) ? m : null;
    }

    /// <summary>The grain type for interface <typeparamref name="T"/> (cached per interface).</summary>
    public static string GrainTypeFor<T>(string? grainClassNamePrefix)
    {
        if (grainClassNamePrefix is null)
        {
            var cached = Cache<T>.Entry;
            if (cached is not null && cached.Value.Version == Volatile.Read(ref _version) && cached.Value.ManifestVersion == Volatile.Read(ref _manifestVersion))
            {
                return cached.Value.GrainType;
            }
        }

        var manifestVersion = Volatile.Read(ref _manifestVersion);
        var type = Resolve(typeof(T), grainClassNamePrefix);
        if (grainClassNamePrefix is null)
        {
            Cache<T>.Entry = (Volatile.Read(ref _version), manifestVersion, type);
        }

        return type;
    }

    /// <summary>The grain type implementing <paramref name="interfaceType"/>.</summary>
    /// <exception cref="GrainTypeNotFoundException">No class or several classes implement it.</exception>
    public static string Resolve(Type interfaceType, string? grainClassNamePrefix) =>
        TryResolve(interfaceType, grainClassNamePrefix, out var grainType, out var error)
            ? grainType
            : throw new GrainTypeNotFoundException(error);

    /// <summary>
    /// Like <see cref="GrainTypeFor{T}"/> but false (no exception) when no single local class or mapping matches; a
    /// client then falls back to the cluster's manifest.
    /// </summary>
    public static bool TryGrainTypeFor<T>(string? grainClassNamePrefix, out string grainType)
    {
        if (grainClassNamePrefix is null)
        {
            var cached = Cache<T>.Entry;
            if (cached is not null && cached.Value.Version == Volatile.Read(ref _version) && cached.Value.ManifestVersion == Volatile.Read(ref _manifestVersion))
            {
                grainType = cached.Value.GrainType;
                return true;
            }
        }

        var manifestVersion = Volatile.Read(ref _manifestVersion);
        if (!TryResolve(typeof(T), grainClassNamePrefix, out grainType, out _))
        {
            return false;
        }

        if (grainClassNamePrefix is null)
        {
            Cache<T>.Entry = (Volatile.Read(ref _version), manifestVersion, grainType);
        }

        return true;
    }

    private static bool TryResolve(Type interfaceType, string? grainClassNamePrefix, out string grainType, out string error)
    {
        grainType = string.Empty;
        error = string.Empty;
        if (grainClassNamePrefix is null && Manifest.TryGetValue(interfaceType, out var mapped))
        {
            grainType = mapped;
            return true;
        }

        Refresh();
        if (!_byInterface.TryGetValue(interfaceType, out var classes))
        {
            System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(interfaceType.Module.ModuleHandle);
            Refresh();
            if (!_byInterface.TryGetValue(interfaceType, out classes))
            {
                error = $"No grain class implementing {interfaceType.FullName} is registered. Add the assembly that defines it to the silo (ISiloBuilder.AddGrainAssembly) and make sure it references the code generator.";
                return false;
            }
        }

        if (grainClassNamePrefix is not null)
        {
            classes = classes.FindAll(c => c.GrainClass.FullName!.StartsWith(grainClassNamePrefix, StringComparison.Ordinal));
        }

        switch (classes.Count)
        {
            case 1:
                grainType = classes[0].GrainType;
                return true;
            case 0:
                error = $"No grain class implementing {interfaceType.FullName} starts with '{grainClassNamePrefix}'.";
                return false;
            default:
                error = $"Several grain classes implement {interfaceType.FullName} ({string.Join(", ", classes.Select(c => c.GrainClass.FullName))}); pass grainClassNamePrefix to GetGrain.";
                return false;
        }
    }

    private static void Refresh()
    {
        var (classes, version) = GrainClassRegistry.Snapshot();
        if (version == Volatile.Read(ref _version))
        {
            return;
        }

        lock (Gate)
        {
            var byType = new Dictionary<string, GrainClassMetadata>(StringComparer.Ordinal);
            var byInterface = new Dictionary<Type, List<GrainClassMetadata>>();
            foreach (var c in classes)
            {
                if (byType.TryGetValue(c.GrainType, out var existing) && existing.GrainClass != c.GrainClass)
                {
                    throw new GrainRuntimeException($"Grain type name '{c.GrainType}' is used by both {existing.GrainClass} and {c.GrainClass}; give one a [GrainType(\"...\")].");
                }

                byType[c.GrainType] = c;
                foreach (var i in c.Interfaces)
                {
                    if (!byInterface.TryGetValue(i, out var list))
                    {
                        byInterface[i] = list = [];
                    }

                    list.Add(c);
                }
            }

            _byType = byType;
            _byInterface = byInterface;
            Volatile.Write(ref _version, version);
        }
    }

    private static class Cache<T>
    {
        public static (int Version, int ManifestVersion, string GrainType)? Entry;
    }
}
