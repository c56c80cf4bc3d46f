namespace Marketplace.Runtime.Streams;

/// <summary>A stream of a <see cref="MemoryStreamProvider"/>, bound to a consumer grain or to the process.</summary>
internal sealed class MemoryAsyncStream<T>(MemoryStreamProvider provider, StreamId streamId, IGrainContext? consumer) : IAsyncStream<T>
{
    public StreamId StreamId { get; } = streamId;

    public string ProviderName => provider.Name;

    public bool IsRewindable => false;

    public Task OnNextAsync(T item, StreamSequenceToken? token = null) => Enqueue(StreamEventKind.Item, item, null);

    public Task OnNextBatchAsync(IEnumerable<T> batch, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        provider.Queue(StreamId).EnqueueBatch(batch);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Enqueue(StreamEventKind.Completed, default!, null);

    public Task OnErrorAsync(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return Enqueue(StreamEventKind.Error, default!, ex);
    }

    private Task Enqueue(StreamEventKind kind, T item, Exception? error)
    {
        try
        {
            provider.Queue(StreamId).Enqueue(kind, item, error);
            return Task.CompletedTask;
        }
        catch (StreamException exception)
        {
            return Task.FromException(exception);
        }
    }

    public Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer) => SubscribeAsync(observer, null);

    public async Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var queue = provider.Queue(StreamId);
        if (consumer is null)
        {
            var local = new LocalStreamSubscriber(Guid.NewGuid(), observer);
            queue.AddLocal(local);
            return new MemoryStreamSubscriptionHandle<T>(provider, StreamId, local.HandleId, null);
        }

        var grainId = consumer.GrainId;
        var handleId = provider.IsImplicitSubscriber(grainId, StreamId) ? provider.ImplicitHandleId(grainId.Type, StreamId) : Guid.NewGuid();
        GrainStreamConsumers.For(consumer).Set(handleId, observer);
        if (!provider.IsImplicitSubscriber(grainId, StreamId))
        {
            await queue.AddGrainSubscriptionAsync(handleId, grainId);
        }

        return new MemoryStreamSubscriptionHandle<T>(provider, StreamId, handleId, consumer);
    }

    public async Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles()
    {
        var queue = provider.Queue(StreamId);
        var result = new List<StreamSubscriptionHandle<T>>();
        if (consumer is null)
        {
            foreach (var s in queue.LocalSubscriptions())
            {
                result.Add(new MemoryStreamSubscriptionHandle<T>(provider, StreamId, s.HandleId, null));
            }

            return result;
        }

        if (provider.IsImplicitSubscriber(consumer.GrainId, StreamId))
        {
            result.Add(new MemoryStreamSubscriptionHandle<T>(provider, StreamId, provider.ImplicitHandleId(consumer.GrainId.Type, StreamId), consumer));
        }

        foreach (var id in await queue.GrainSubscriptionsOfAsync(consumer.GrainId))
        {
            result.Add(new MemoryStreamSubscriptionHandle<T>(provider, StreamId, id, consumer));
        }

        return result;
    }

    public bool Equals(IAsyncStream<T>? other) => other is not null && other.StreamId == StreamId && string.Equals(other.ProviderName, ProviderName, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is IAsyncStream<T> other && Equals(other);

    public override int GetHashCode() => StreamId.GetHashCode();

    public override string ToString() => $"{ProviderName}:{StreamId}";
}
