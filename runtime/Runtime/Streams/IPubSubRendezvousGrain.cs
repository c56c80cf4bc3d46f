namespace Marketplace.Runtime.Streams;

/// <summary>
/// The rendezvous point of one stream (key <c>provider/namespace/key</c>): keeps the explicit grain subscriptions in
/// grain storage so they survive deactivation and silo restarts.
/// </summary>
internal interface IPubSubRendezvousGrain : IGrainWithStringKey
{
    Task<List<PubSubSubscription>> GetConsumers();

    Task AddConsumer(Guid handleId, GrainId consumer);

    Task<bool> RemoveConsumer(Guid handleId);
}
