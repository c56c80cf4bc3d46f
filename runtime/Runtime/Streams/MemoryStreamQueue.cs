// Design: one queue per stream per provider. Producers append events under a lock that also assigns the sequence
// number, so the channel order is the stream order. One stream pump takes events in that order and hands each to the
// pump of every subscription (explicit grain + in-process subscriptions from the cached list, implicit ones from the
// grain classes' attributes) present at that moment; each subscription pump delivers its events one at a time, in
// order. So each subscription sees every event once, in stream order, never two at a time, all subscriptions see the
// same interleaving of concurrent producers, and a slow subscriber does not hold back the others. The explicit grain
// subscriptions are loaded from the stream's rendezvous grain before the first delivery or subscription change, then
// kept in step by this silo. Pumps run with execution-context flow suppressed so deliveries never inherit a producer
// grain's call chain.
using System.Threading.Channels;

namespace Marketplace.Runtime.Streams;

/// <summary>The events and subscriptions of one stream in a <see cref="MemoryStreamProvider"/>.</summary>
internal sealed class MemoryStreamQueue
{
    private readonly MemoryStreamProvider _provider;
    private readonly Channel<StreamEvent> _events = Channel.CreateUnbounded<StreamEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private StreamSubscriber[] _subscribers = [];
    private GrainStreamSubscriber[]? _implicit;
    private Task? _loading;
    private long _sequence;

    public MemoryStreamQueue(MemoryStreamProvider provider, StreamId streamId)
    {
        _provider = provider;
        StreamId = streamId;
        using (ExecutionContext.SuppressFlow())
        {
            Pump = Task.Run(PumpAsync);
        }
    }

    public StreamId StreamId { get; }

    public Task Pump { get; }

    private IPubSubRendezvousGrain Rendezvous =>
        _provider.Runtime.GetGrain<IPubSubRendezvousGrain>(string.Concat(_provider.Name, "/", StreamId.Namespace, "/", StreamId.Key));

    public void Enqueue<T>(StreamEventKind kind, T item, Exception? error)
    {
        lock (_lock)
        {
            if (!_events.Writer.TryWrite(new StreamEvent<T>(kind, new StreamSequenceToken(++_sequence), item, error)))
            {
                throw new StreamException($"Stream provider '{_provider.Name}' is stopped; {StreamId} accepts no more events.");
            }
        }
    }

    public void EnqueueBatch<T>(IEnumerable<T> items)
    {
        lock (_lock)
        {
            foreach (var item in items)
            {
                if (!_events.Writer.TryWrite(new StreamEvent<T>(StreamEventKind.Item, new StreamSequenceToken(++_sequence), item, null)))
                {
                    throw new StreamException($"Stream provider '{_provider.Name}' is stopped; {StreamId} accepts no more events.");
                }
            }
        }
    }

    public void Complete() => _events.Writer.TryComplete();

    public async Task AddGrainSubscriptionAsync(Guid handleId, GrainId consumer)
    {
        if (_provider.SubscriptionStorage is null)
        {
            throw new StreamException(
                $"Grain subscriptions to {_provider.Name}:{StreamId} need a grain storage named '{PubSubRendezvousGrain.StorageName}' or 'Default' (e.g. AddMemoryGrainStorage(\"{PubSubRendezvousGrain.StorageName}\")); none is registered.");
        }

        await EnsureLoadedAsync();
        await Rendezvous.AddConsumer(handleId, consumer);
        Change(list => [.. list, new GrainStreamSubscriber(handleId, consumer, isImplicit: false)]);
    }

    public async Task<bool> RemoveGrainSubscriptionAsync(Guid handleId)
    {
        await EnsureLoadedAsync();
        var removed = await Rendezvous.RemoveConsumer(handleId);
        Change(list => Array.FindAll(list, s => s.HandleId != handleId));
        return removed;
    }

    public void AddLocal(LocalStreamSubscriber subscriber) => Change(list => [.. list, subscriber]);

    public bool RemoveLocal(Guid handleId)
    {
        var found = false;
        Change(list =>
        {
            found = Array.Exists(list, s => s.HandleId == handleId);
            return Array.FindAll(list, s => s.HandleId != handleId);
        });
        return found;
    }

    public LocalStreamSubscriber? FindLocal(Guid handleId) =>
        Array.Find(Volatile.Read(ref _subscribers), s => s.HandleId == handleId) as LocalStreamSubscriber;

    public StreamSubscriber[] LocalSubscriptions() => Array.FindAll(Volatile.Read(ref _subscribers), s => s is LocalStreamSubscriber);

    /// <summary>The explicit subscriptions of <paramref name="consumer"/> (after loading from the rendezvous grain).</summary>
    public async Task<List<Guid>> GrainSubscriptionsOfAsync(GrainId consumer)
    {
        await EnsureLoadedAsync();
        var result = new List<Guid>();
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            if (s is GrainStreamSubscriber g && g.Consumer.Equals(consumer))
            {
                result.Add(g.HandleId);
            }
        }

        return result;
    }

    public async Task<bool> HasGrainSubscriptionAsync(Guid handleId)
    {
        await EnsureLoadedAsync();
        return Array.Exists(Volatile.Read(ref _subscribers), s => s.HandleId == handleId);
    }

    private void Change(Func<StreamSubscriber[], StreamSubscriber[]> change)
    {
        lock (_lock)
        {
            _subscribers = change(_subscribers);
        }
    }

    private Task EnsureLoadedAsync()
    {
        if (_provider.SubscriptionStorage is null)
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _loading = Task.Run(LoadAsync);
                }
            }

            return _loading;
        }
    }

    private async Task LoadAsync()
    {
        var stored = await Rendezvous.GetConsumers();
        Change(list =>
        {
            var merged = new List<StreamSubscriber>(list);
            foreach (var s in stored)
            {
                if (!merged.Exists(m => m.HandleId == s.HandleId))
                {
                    merged.Add(new GrainStreamSubscriber(s.HandleId, s.Consumer, isImplicit: false));
                }
            }

            return [.. merged];
        });
    }

    private async Task PumpAsync()
    {
        var reader = _events.Reader;
        var pumps = new Dictionary<Guid, SubscriptionPump>();
        StreamSubscriber[]? known = null;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var streamEvent))
            {
                try
                {
                    await EnsureLoadedAsync().ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is GrainRuntimeException or TimeoutException or InvalidOperationException)
                {
                    _provider.Log.LoadFailed(exception, _provider.Name, StreamId.ToString());
                }

                _implicit ??= _provider.ImplicitSubscribers(StreamId);
                var subscribers = Volatile.Read(ref _subscribers);
                if (!ReferenceEquals(subscribers, known))
                {
                    RetireRemoved(pumps, subscribers);
                    known = subscribers;
                }

                foreach (var s in subscribers)
                {
                    Post(pumps, s, streamEvent);
                }

                foreach (var s in _implicit)
                {
                    Post(pumps, s, streamEvent);
                }
            }
        }

        foreach (var pump in pumps.Values)
        {
            pump.Complete();
        }
    }

    private void Post(Dictionary<Guid, SubscriptionPump> pumps, StreamSubscriber subscriber, StreamEvent streamEvent)
    {
        if (!pumps.TryGetValue(subscriber.HandleId, out var pump))
        {
            pump = new SubscriptionPump(this, subscriber);
            pumps.Add(subscriber.HandleId, pump);
        }

        pump.Post(streamEvent);
    }

    private void RetireRemoved(Dictionary<Guid, SubscriptionPump> pumps, StreamSubscriber[] subscribers)
    {
        List<Guid>? removed = null;
        foreach (var (id, pump) in pumps)
        {
            if (!pump.IsImplicit && !Array.Exists(subscribers, s => s.HandleId == id))
            {
                pump.Complete();
                (removed ??= []).Add(id);
            }
        }

        if (removed is not null)
        {
            foreach (var id in removed)
            {
                pumps.Remove(id);
            }
        }
    }

    private async Task DeliverAsync(StreamSubscriber subscriber, StreamEvent streamEvent)
    {
        try
        {
            if (subscriber is GrainStreamSubscriber grain)
            {
                var runtime = _provider.Runtime;
                await runtime.InvokeAsync(new StreamConsumerReference(grain.Consumer, runtime), streamEvent.CreateGrainDelivery(_provider, StreamId, grain.HandleId)).ConfigureAwait(false);
            }
            else
            {
                await Task.Run(() => streamEvent.DeliverLocalAsync(((LocalStreamSubscriber)subscriber).Observer)).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            // Logged, not retried: the subscription keeps receiving later events.
            var consumer = subscriber is GrainStreamSubscriber g ? g.Consumer.ToString() : "in-process observer";
            _provider.Log.DeliveryFailed(exception, streamEvent.Token.ToString(), _provider.Name, StreamId.ToString(), subscriber.HandleId, consumer);
        }
    }

    /// <summary>The events of one subscription, delivered one at a time in stream order.</summary>
    private sealed class SubscriptionPump
    {
        private readonly Channel<StreamEvent> _pending = Channel.CreateUnbounded<StreamEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private readonly MemoryStreamQueue _queue;
        private readonly StreamSubscriber _subscriber;

        public SubscriptionPump(MemoryStreamQueue queue, StreamSubscriber subscriber)
        {
            _queue = queue;
            _subscriber = subscriber;
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(RunAsync);
            }
        }

        public bool IsImplicit => _subscriber is GrainStreamSubscriber { IsImplicit: true };

        public void Post(StreamEvent streamEvent) => _pending.Writer.TryWrite(streamEvent);

        public void Complete() => _pending.Writer.TryComplete();

        private async Task RunAsync()
        {
            var reader = _pending.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var streamEvent))
                {
                    await _queue.DeliverAsync(_subscriber, streamEvent).ConfigureAwait(false);
                }
            }
        }
    }
}
