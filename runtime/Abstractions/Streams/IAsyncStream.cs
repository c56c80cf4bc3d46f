namespace Marketplace.Runtime.Streams;

/// <summary>
/// A stream (Orleans' <c>IAsyncStream&lt;T&gt;</c>): produce with <see cref="OnNextAsync"/>, consume with
/// <see cref="SubscribeAsync(IAsyncObserver{T})"/>. Obtained from <see cref="IStreamProvider.GetStream{T}"/>; a stream
/// obtained in a grain subscribes that grain (persistent subscription), elsewhere it subscribes an in-process observer.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public interface IAsyncStream<T> : IEquatable<IAsyncStream<T>>
{
    /// <summary>The stream's id.</summary>
    StreamId StreamId { get; }

    /// <summary>The provider's name.</summary>
    string ProviderName { get; }

    /// <summary>True when subscribers can rewind.</summary>
    bool IsRewindable { get; }

    /// <summary>Enqueues an item; it is delivered to every subscriber once, in the order enqueued on this stream.</summary>
    Task OnNextAsync(T item, StreamSequenceToken? token = null);

    /// <summary>Enqueues items in order.</summary>
    Task OnNextBatchAsync(IEnumerable<T> batch, StreamSequenceToken? token = null);

    /// <summary>Tells subscribers the stream is complete (after every item enqueued before).</summary>
    Task OnCompletedAsync();

    /// <summary>Tells subscribers of an error (after every item enqueued before).</summary>
    Task OnErrorAsync(Exception ex);

    /// <summary>Subscribes an observer.</summary>
    Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer);

    /// <summary>Subscribes an observer starting at <paramref name="token"/> (memory streams ignore the token).</summary>
    Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token);

    /// <summary>
    /// The subscriptions of the caller on this stream: in a grain, the grain's persisted and implicit subscriptions
    /// (attach observers with <see cref="StreamSubscriptionHandle{T}.ResumeAsync(IAsyncObserver{T}, StreamSequenceToken?)"/>);
    /// elsewhere, the in-process subscriptions made through this provider.
    /// </summary>
    Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles();
}
