namespace Marketplace.Runtime.Streams;

/// <summary>A subscription of a <see cref="MemoryStreamProvider"/> stream: a grain's (consumer set) or an in-process one.</summary>
internal sealed class MemoryStreamSubscriptionHandle<T>(MemoryStreamProvider provider, StreamId streamId, Guid handleId, IGrainContext? consumer) : StreamSubscriptionHandle<T>
{
    public override Guid HandleId { get; } = handleId;

    public override StreamId StreamId { get; } = streamId;

    public override string ProviderName => provider.Name;

    public override async Task UnsubscribeAsync()
    {
        var queue = provider.Queue(StreamId);
        if (consumer is null)
        {
            queue.RemoveLocal(HandleId);
            return;
        }

        // An implicit subscription cannot be removed (the class attribute declares it); unsubscribing detaches the observer.
        if (HandleId != provider.ImplicitHandleId(consumer.GrainId.Type, StreamId))
        {
            await queue.RemoveGrainSubscriptionAsync(HandleId);
        }

        GrainStreamConsumers.For(consumer).Remove(HandleId);
    }

    public override async Task<StreamSubscriptionHandle<T>> ResumeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var queue = provider.Queue(StreamId);
        if (consumer is null)
        {
            var local = queue.FindLocal(HandleId) ?? throw new StreamException($"Subscription {HandleId:N} on {ProviderName}:{StreamId} no longer exists.");
            local.Observer = observer;
            return this;
        }

        var isImplicit = provider.IsImplicitSubscriber(consumer.GrainId, StreamId) && HandleId == provider.ImplicitHandleId(consumer.GrainId.Type, StreamId);
        if (!isImplicit && !await queue.HasGrainSubscriptionAsync(HandleId))
        {
            throw new StreamException($"Subscription {HandleId:N} of {consumer.GrainId} on {ProviderName}:{StreamId} no longer exists.");
        }

        GrainStreamConsumers.For(consumer).Set(HandleId, observer);
        return this;
    }
}
