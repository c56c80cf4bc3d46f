using Marketplace.Runtime.Messaging;
using Microsoft.Extensions.Logging;

namespace Marketplace.Runtime.Streams;

/// <summary>The name of one memory stream provider added with <c>AddMemoryStreams</c>.</summary>
internal sealed record MemoryStreamProviderName(string Name);

/// <summary>The silo's stream providers by name; stops their pumps when the host is disposed.</summary>
internal sealed class StreamProviderRegistry : IStreamProviderSource, IDisposable
{
    private readonly Dictionary<string, MemoryStreamProvider> _providers = new(StringComparer.Ordinal);

    public StreamProviderRegistry(IEnumerable<MemoryStreamProviderName> names, SiloRuntimeClient runtime, ILoggerFactory loggers)
    {
        var log = new StreamLog(loggers.CreateLogger("Marketplace.Runtime.Streams"));
        foreach (var n in names)
        {
            _providers.TryAdd(n.Name, new MemoryStreamProvider(n.Name, runtime, log));
        }
    }

    public MemoryStreamProvider Get(string name) => _providers.TryGetValue(name, out var provider)
        ? provider
        : throw new StreamProviderNotFoundException(
            $"No stream provider named '{name}' is registered (registered: {(_providers.Count == 0 ? "none" : string.Join(", ", _providers.Keys))}). Add one with AddMemoryStreams(\"{name}\").");

    public IStreamProvider GetProvider(string name, IGrainContext? consumer)
    {
        ArgumentNullException.ThrowIfNull(name);
        var provider = Get(name);
        return consumer is null ? provider : provider.ForGrain(consumer);
    }

    public void Dispose()
    {
        foreach (var provider in _providers.Values)
        {
            provider.Stop();
        }
    }
}
