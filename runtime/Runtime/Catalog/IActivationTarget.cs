using Marketplace.Runtime.Messaging;

namespace Marketplace.Runtime.Catalog;

/// <summary>Something in the catalog that accepts requests for a grain id: one activation or a stateless-worker pool.</summary>
internal interface IActivationTarget
{
    /// <summary>Queues or starts <paramref name="message"/>.</summary>
    void Receive(Message message);

    /// <summary>Deactivates if idle for longer than the collection age.</summary>
    void CollectIfIdle(long nowMilliseconds, TimeSpan defaultAge);

    /// <summary>Deactivates for shutdown; completes when done.</summary>
    Task DeactivateForShutdownAsync();

    /// <summary>Requests queued (not running).</summary>
    int QueueLength { get; }
}
