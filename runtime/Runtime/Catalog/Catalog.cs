using System.Collections.Concurrent;
using Marketplace.Runtime.Messaging;

namespace Marketplace.Runtime.Catalog;

/// <summary>
/// The activations of this silo by grain id. The first request for an id creates the activation; concurrent first
/// requests race on one dictionary slot, so exactly one activation starts and the others queue in it.
/// </summary>
internal sealed class GrainCatalog(SiloRuntimeClient runtime)
{
    private readonly ConcurrentDictionary<GrainId, IActivationTarget> _targets = new();
    private volatile bool _stopping;

    /// <summary>Number of catalog entries (activations and stateless-worker pools).</summary>
    public int Count => _targets.Count;

    public bool IsStopping => _stopping;

    /// <summary>Total queued requests, for the queue-length gauge.</summary>
    public long TotalQueueLength => _targets.Values.Sum(t => (long)t.QueueLength);

    /// <summary>Queues <paramref name="message"/> in the activation for its target, creating it if needed.</summary>
    /// <exception cref="GrainTypeNotFoundException">No grain class has the target's type name.</exception>
    /// <exception cref="SiloUnavailableException">The silo is shutting down.</exception>
    public void Deliver(Message message)
    {
        if (_stopping)
        {
            throw new SiloUnavailableException($"Silo {runtime.LocalSilo} is shutting down; {message.MethodName} on {message.Target} was not run.");
        }

        GetOrCreate(message.Target).Receive(message);
    }

    public bool TryGet(GrainId grainId, out IActivationTarget? target) => _targets.TryGetValue(grainId, out target);

    /// <summary>Every live catalog entry.</summary>
    public ICollection<IActivationTarget> Targets => _targets.Values;

    private IActivationTarget GetOrCreate(GrainId grainId)
    {
        if (_targets.TryGetValue(grainId, out var existing))
        {
            return existing;
        }

        var metadata = GrainTypeResolver.FindByGrainType(grainId.Type)
            ?? throw new GrainTypeNotFoundException($"No grain class has grain type '{grainId.Type}' (grain {grainId}) on silo {runtime.LocalSilo}.");
        IActivationTarget created = metadata.IsStatelessWorker
            ? new StatelessWorkerGroup(grainId, metadata, runtime)
            : new ActivationData(grainId, metadata, runtime, Remove);
        var winner = _targets.GetOrAdd(grainId, created);
        if (ReferenceEquals(winner, created) && created is ActivationData activation)
        {
            activation.StartActivation();
        }

        return winner;
    }

    /// <summary>Stops accepting requests and deactivates everything; completes when all are gone or the timeout passed.</summary>
    public async Task DeactivateAllAsync(TimeSpan timeout)
    {
        _stopping = true;
        var all = _targets.Values.Select(t => t.DeactivateForShutdownAsync()).ToArray();
        await Task.WhenAny(Task.WhenAll(all), Task.Delay(timeout));
    }

    private void Remove(ActivationData activation) =>
        _targets.TryRemove(new KeyValuePair<GrainId, IActivationTarget>(activation.GrainId, activation));
}
