using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;

namespace Marketplace.Runtime.Catalog;

/// <summary>
/// The local activations of one stateless-worker grain id: a request goes to an idle worker, else to a new worker while
/// fewer than the maximum exist, else to the least loaded one. Workers are not registered in the directory.
/// </summary>
internal sealed class StatelessWorkerGroup(GrainId grainId, GrainClassMetadata metadata, SiloRuntimeClient runtime) : IActivationTarget
{
    private readonly Lock _lock = new();
    private readonly List<ActivationData> _workers = [];
    private readonly int _max = metadata.MaxLocalWorkers > 0 ? metadata.MaxLocalWorkers : Environment.ProcessorCount;

    public int QueueLength
    {
        get
        {
            lock (_lock)
            {
                return _workers.Sum(w => w.QueueLength);
            }
        }
    }

    /// <summary>Number of live workers.</summary>
    public int WorkerCount
    {
        get
        {
            lock (_lock)
            {
                return _workers.Count;
            }
        }
    }

    public void Receive(Message message)
    {
        ActivationData? target = null;
        ActivationData? created = null;
        lock (_lock)
        {
            foreach (var worker in _workers)
            {
                if (!worker.IsBusy)
                {
                    target = worker;
                    break;
                }
            }

            if (target is null && _workers.Count < _max)
            {
                created = target = new ActivationData(grainId, metadata, runtime, Remove);
                _workers.Add(created);
            }

            if (target is null)
            {
                var best = int.MaxValue;
                foreach (var worker in _workers)
                {
                    var load = worker.Load;
                    if (load < best)
                    {
                        best = load;
                        target = worker;
                    }
                }
            }
        }

        if (created is not null)
        {
            created.StartActivation();
        }

        target!.Receive(message);
    }

    public void CollectIfIdle(long nowMilliseconds, TimeSpan defaultAge)
    {
        ActivationData[] workers;
        lock (_lock)
        {
            workers = [.. _workers];
        }

        foreach (var worker in workers)
        {
            worker.CollectIfIdle(nowMilliseconds, defaultAge);
        }
    }

    public Task DeactivateForShutdownAsync()
    {
        ActivationData[] workers;
        lock (_lock)
        {
            workers = [.. _workers];
        }

        return Task.WhenAll(workers.Select(w => w.DeactivateForShutdownAsync()));
    }

    private void Remove(ActivationData worker)
    {
        lock (_lock)
        {
            _workers.Remove(worker);
        }
    }
}
