using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Runtime.Streams;

/// <summary>
/// The in-memory stream provider of one silo: a <see cref="MemoryStreamQueue"/> per stream, explicit grain
/// subscriptions persisted through <see cref="PubSubRendezvousGrain"/>, implicit ones from grain class metadata.
/// </summary>
internal sealed class MemoryStreamProvider(string name, SiloRuntimeClient runtime, StreamLog log) : IStreamProvider
{
    private readonly ConcurrentDictionary<StreamId, MemoryStreamQueue> _queues = new();
    private readonly ConcurrentDictionary<string, string[]> _implicitTypes = new(StringComparer.Ordinal);
    private volatile bool _stopped;
    private volatile string? _subscriptionStorage;

    public string Name { get; } = name;

    public bool IsRewindable => false;

    public SiloRuntimeClient Runtime { get; } = runtime;

    public StreamLog Log { get; } = log;

    /// <summary>
    /// The storage keeping explicit grain subscriptions ("PubSubStore", else "Default"), or null when neither exists:
    /// then only implicit and in-process subscriptions work, and nothing is loaded from rendezvous grains.
    /// </summary>
    public string? SubscriptionStorage
    {
        get
        {
            if (_subscriptionStorage is { } known)
            {
                return known.Length == 0 ? null : known;
            }

            var found = Runtime.Services.GetKeyedService<IGrainStorage>(PubSubRendezvousGrain.StorageName) is not null ? PubSubRendezvousGrain.StorageName
                : Runtime.Services.GetKeyedService<IGrainStorage>("Default") is not null ? "Default"
                : string.Empty;
            _subscriptionStorage = found;
            return found.Length == 0 ? null : found;
        }
    }

    public IAsyncStream<T> GetStream<T>(StreamId streamId) => GetStream<T>(streamId, null);

    public IAsyncStream<T> GetStream<T>(StreamId streamId, IGrainContext? consumer)
    {
        streamId.EnsureValid();
        return new MemoryAsyncStream<T>(this, streamId, consumer);
    }

    public IStreamProvider ForGrain(IGrainContext consumer) => new GrainBoundStreamProvider(this, consumer);

    public MemoryStreamQueue Queue(StreamId streamId)
    {
        if (_stopped)
        {
            throw new StreamException($"Stream provider '{Name}' is stopped.");
        }

        return _queues.GetOrAdd(streamId, static (id, provider) => new MemoryStreamQueue(provider, id), this);
    }

    /// <summary>The grain types implicitly subscribed to <paramref name="streamNamespace"/> (computed once per namespace).</summary>
    public string[] ImplicitGrainTypes(string streamNamespace) => _implicitTypes.GetOrAdd(streamNamespace, static ns =>
    {
        var types = new List<string>();
        foreach (var c in GrainClassRegistry.Snapshot().Classes)
        {
            foreach (var n in c.ImplicitStreamNamespaces)
            {
                if (string.Equals(n, ns, StringComparison.Ordinal))
                {
                    types.Add(c.GrainType);
                    break;
                }
            }
        }

        return [.. types];
    });

    public GrainStreamSubscriber[] ImplicitSubscribers(StreamId streamId)
    {
        var types = ImplicitGrainTypes(streamId.Namespace);
        var result = new GrainStreamSubscriber[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            result[i] = new GrainStreamSubscriber(ImplicitHandleId(types[i], streamId), new GrainId(types[i], streamId.Key), isImplicit: true);
        }

        return result;
    }

    /// <summary>True when <paramref name="grain"/> is implicitly subscribed to <paramref name="streamId"/>.</summary>
    public bool IsImplicitSubscriber(GrainId grain, StreamId streamId) =>
        string.Equals(grain.Key, streamId.Key, StringComparison.Ordinal) && Array.IndexOf(ImplicitGrainTypes(streamId.Namespace), grain.Type) >= 0;

    /// <summary>The implicit subscription's id: the same in every activation and on every silo.</summary>
    public Guid ImplicitHandleId(string grainType, StreamId streamId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', "implicit", Name, grainType, streamId.Namespace, streamId.Key)));
        return new Guid(hash.AsSpan(0, 16));
    }

    public void Stop()
    {
        _stopped = true;
        foreach (var queue in _queues.Values)
        {
            queue.Complete();
        }
    }

    private sealed class GrainBoundStreamProvider(MemoryStreamProvider provider, IGrainContext consumer) : IStreamProvider
    {
        public string Name => provider.Name;

        public bool IsRewindable => false;

        public IAsyncStream<T> GetStream<T>(StreamId streamId) => provider.GetStream<T>(streamId, consumer);
    }
}
