using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Streams;

/// <summary>The persisted subscriber list of one stream (state of <see cref="PubSubRendezvousGrain"/>).</summary>
[GenerateSerializer]
internal sealed class PubSubState
{
    [Id(0)]
    public List<PubSubSubscription> Consumers { get; set; } = [];
}

/// <summary>One explicit grain subscription: handle id and subscribing grain.</summary>
[GenerateSerializer]
internal sealed class PubSubSubscription
{
    [Id(0)]
    public Guid HandleId { get; set; }

    [Id(1)]
    public GrainId Consumer { get; set; }
}
