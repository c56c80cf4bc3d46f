using System.Collections.Concurrent;

namespace Marketplace.Runtime.GrainDirectory;

/// <summary>The single-silo directory: a concurrent map with first-writer-wins registration.</summary>
internal sealed class LocalGrainDirectory : IGrainDirectory
{
    private readonly ConcurrentDictionary<GrainId, GrainAddress> _entries = new();

    public int Count => _entries.Count;

    public ValueTask<GrainAddress> RegisterAsync(GrainAddress address) => new(_entries.GetOrAdd(address.GrainId, address));

    public ValueTask UnregisterAsync(GrainAddress address)
    {
        _entries.TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));
        return ValueTask.CompletedTask;
    }

    public ValueTask<GrainAddress?> LookupAsync(GrainId grainId) =>
        new(_entries.TryGetValue(grainId, out var address) ? address : null);
}
