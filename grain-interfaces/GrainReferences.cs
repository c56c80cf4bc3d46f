// Design note: Orleans' IGrainFactory.GetGrain<T>(key) resolves T's grain interface type by reading its attributes
// and then builds a new proxy, whose constructor creates the copiers of its methods' argument types through the
// service provider (ActivatorUtilities, i.e. reflection); neither step is cached. A profile of the job path showed
// that work at about an eighth of the silo's CPU. This type resolves the grain and interface types once per T, builds
// later references straight from a GrainId, and keeps references to grains that are called again and again (workers,
// a client's job list). A grain reference is immutable and bound to one silo's or client's runtime, so a cache lives
// in that runtime's service provider (one per silo), never in a static.
using System.Collections.Concurrent;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Grain references of one interface with string keys, made without Orleans' per-call type lookups and, for keys
/// used again and again, made once (<see cref="Get"/>). Registered per silo (or client) as an open generic singleton.
/// </summary>
/// <typeparam name="TGrain">The grain interface.</typeparam>
public sealed class GrainReferences<TGrain>
    where TGrain : IGrainWithStringKey
{
    /// <summary>References <see cref="Get"/> keeps before it starts over.</summary>
    public const int CacheCapacity = 4096;

    private readonly IGrainFactory _grains;
    private readonly ConcurrentDictionary<string, TGrain> _cache = new(StringComparer.Ordinal);
    private Resolved? _resolved;

    /// <summary>References from <paramref name="grains"/>.</summary>
    public GrainReferences(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _grains = grains;
    }

    /// <summary>A new reference to the grain with key <paramref name="key"/> (for grains called a few times, such as
    /// one job's grain).</summary>
    public TGrain Create(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (Volatile.Read(ref _resolved) is { } resolved)
        {
            return (TGrain)_grains.GetGrain(GrainId.Create(resolved.Type, key), resolved.Interface);
        }

        var grain = _grains.GetGrain<TGrain>(key);
        var reference = (GrainReference)(object)grain;
        if (!reference.GrainId.Type.IsDefault && reference.GrainId.Type.ToString()?.StartsWith(GrainTypePrefix.SystemPrefix, StringComparison.Ordinal) == false)
        {
            // A system type (such as Orleans' stub for an implementation not known yet, as on a client before it has
            // the cluster's manifest) is resolved again next time.
            Volatile.Write(ref _resolved, new Resolved(reference.GrainId.Type, reference.InterfaceType));
        }

        return grain;
    }

    /// <summary>The reference to the grain with key <paramref name="key"/>, kept for later calls (for grains called
    /// again and again: a worker, a client's job list, a singleton).</summary>
    public TGrain Get(string key)
    {
        if (_cache.TryGetValue(key, out var grain))
        {
            return grain;
        }

        if (_cache.Count >= CacheCapacity)
        {
            _cache.Clear();
        }

        grain = Create(key);
        _cache.TryAdd(key, grain);
        return grain;
    }

    private sealed record Resolved(GrainType Type, GrainInterfaceType Interface);
}
