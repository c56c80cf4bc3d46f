namespace Marketplace.Runtime.Invocation;

/// <summary>What the runtime needs to know about a grain class, generated at build time so activation needs no reflection.</summary>
public sealed class GrainClassMetadata
{
    /// <summary>The grain class.</summary>
    public required Type GrainClass { get; init; }

    /// <summary>The grain type name (<c>[GrainType]</c> or derived from the class name).</summary>
    public required string GrainType { get; init; }

    /// <summary>The grain interfaces the class implements.</summary>
    public required IReadOnlyList<Type> Interfaces { get; init; }

    /// <summary>Creates an instance: constructor injection of services and persistent-state facets.</summary>
    public required Func<IGrainContext, IServiceProvider, object> Factory { get; init; }

    /// <summary><c>[Reentrant]</c>.</summary>
    public bool IsReentrant { get; init; }

    /// <summary><c>[StatelessWorker]</c>.</summary>
    public bool IsStatelessWorker { get; init; }

    /// <summary>Maximum local stateless workers (0: processor count).</summary>
    public int MaxLocalWorkers { get; init; }

    /// <summary><c>[CollectionAgeLimit]</c> override, if any.</summary>
    public TimeSpan? CollectionAge { get; init; }

    /// <summary><c>[CollectionAgeLimit(AlwaysActive = true)]</c>.</summary>
    public bool AlwaysActive { get; init; }

    /// <summary>For <c>Grain&lt;TState&gt;</c>: the storage named by <c>[StorageProvider]</c>, else "Default".</summary>
    public string? StateStorageName { get; init; }

    /// <summary>Stream namespaces the class subscribes to implicitly.</summary>
    public IReadOnlyList<string> ImplicitStreamNamespaces { get; init; } = [];
}

/// <summary>Grain classes registered by generated module initializers.</summary>
public static class GrainClassRegistry
{
    private static readonly Lock Gate = new();
    private static readonly List<GrainClassMetadata> Classes = [];
    private static int _version;

    /// <summary>Registers a grain class (generated code).</summary>
    public static void Register(GrainClassMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        lock (Gate)
        {
            if (!Classes.Exists(c => c.GrainClass == metadata.GrainClass))
            {
                Classes.Add(metadata);
                _version++;
            }
        }
    }

    /// <summary>Resolves a constructor dependency (generated factories).</summary>
    /// <exception cref="InvalidOperationException">The service is not registered.</exception>
    public static T GetRequiredService<T>(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService(typeof(T)) is T value
            ? value
            : throw new InvalidOperationException($"No service of type {typeof(T)} is registered for grain construction.");
    }

    /// <summary>A snapshot of registered classes and a version that changes when a class is added.</summary>
    internal static (IReadOnlyList<GrainClassMetadata> Classes, int Version) Snapshot()
    {
        lock (Gate)
        {
            return (Classes.ToArray(), _version);
        }
    }
}
