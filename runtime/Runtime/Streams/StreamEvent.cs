using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Streams;

/// <summary>What an event tells subscribers.</summary>
internal enum StreamEventKind
{
    Item,
    Completed,
    Error,
}

/// <summary>One enqueued stream event; typed subclasses deliver without reflection.</summary>
internal abstract class StreamEvent(StreamEventKind kind, StreamSequenceToken token)
{
    public StreamEventKind Kind { get; } = kind;

    public StreamSequenceToken Token { get; } = token;

    /// <summary>The grain call that delivers this event to one grain subscription.</summary>
    public abstract VoidRequest CreateGrainDelivery(MemoryStreamProvider provider, StreamId streamId, Guid handleId);

    /// <summary>Calls an in-process observer.</summary>
    public abstract Task DeliverLocalAsync(object observer);
}

/// <summary>An event of a stream of <typeparamref name="T"/>.</summary>
internal sealed class StreamEvent<T>(StreamEventKind kind, StreamSequenceToken token, T item, Exception? error) : StreamEvent(kind, token)
{
    public T Item { get; } = item;

    public Exception? Error { get; } = error;

    public override VoidRequest CreateGrainDelivery(MemoryStreamProvider provider, StreamId streamId, Guid handleId) =>
        new StreamDeliveryRequest<T>(provider, streamId, handleId, this);

    public override Task DeliverLocalAsync(object observer) => Deliver(
        observer as IAsyncObserver<T> ?? throw new StreamException($"The observer {observer.GetType()} does not observe items of type {typeof(T)}."),
        copy: false);

    /// <summary>Calls the observer (items deep-copied when delivered into a grain, as grain call arguments are).</summary>
    public Task Deliver(IAsyncObserver<T> observer, bool copy) => Kind switch
    {
        StreamEventKind.Item => observer.OnNextAsync(copy ? DeepCopier.Copy(Item) : Item, Token),
        StreamEventKind.Completed => observer.OnCompletedAsync(),
        _ => observer.OnErrorAsync(Error!),
    };
}
