namespace Marketplace.Runtime.Streams;

/// <summary>One subscription to a stream (Orleans' <c>StreamSubscriptionHandle&lt;T&gt;</c>).</summary>
/// <typeparam name="T">The item type.</typeparam>
public abstract class StreamSubscriptionHandle<T> : IEquatable<StreamSubscriptionHandle<T>>
{
    /// <summary>The subscription's id (stable across activations and silo restarts for grain subscriptions).</summary>
    public abstract Guid HandleId { get; }

    /// <summary>The stream.</summary>
    public abstract StreamId StreamId { get; }

    /// <summary>The provider's name.</summary>
    public abstract string ProviderName { get; }

    /// <summary>Ends the subscription: no item enqueued after this completes is delivered to it.</summary>
    public abstract Task UnsubscribeAsync();

    /// <summary>
    /// Attaches <paramref name="observer"/> to this subscription, replacing any earlier observer. For a grain subscription
    /// call it in the subscribing grain (typically in <c>OnActivateAsync</c> after a deactivation).
    /// </summary>
    public abstract Task<StreamSubscriptionHandle<T>> ResumeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token = null);

    /// <inheritdoc />
    public bool Equals(StreamSubscriptionHandle<T>? other) =>
        other is not null && other.HandleId == HandleId && other.StreamId == StreamId && string.Equals(other.ProviderName, ProviderName, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StreamSubscriptionHandle<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HandleId.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"{ProviderName}:{StreamId} subscription {HandleId:N}";
}
