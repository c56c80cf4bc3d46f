using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;

namespace Marketplace.Persistence.Sqlite.Tests.Silo;

/// <summary>A grain with an explicit (durable) subscription to one memory stream.</summary>
public interface IStreamConsumerGrain : IGrainWithStringKey
{
    Task SubscribeAsync();
}

public sealed class StreamConsumerGrain : Grain, IStreamConsumerGrain
{
    public const string Provider = "streams";
    public const string Namespace = "numbers";

    public Task SubscribeAsync() => Stream().SubscribeAsync(OnNextAsync);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Explicit subscriptions outlive the activation (they are rows in the PubSubStore): reattach the handler.
        foreach (var handle in await Stream().GetAllSubscriptionHandles())
        {
            await handle.ResumeAsync(OnNextAsync);
        }
    }

    private IAsyncStream<int> Stream() =>
        this.GetStreamProvider(Provider).GetStream<int>(StreamId.Create(Namespace, this.GetPrimaryKeyString()));

    private Task OnNextAsync(int item, StreamSequenceToken? token)
    {
        ServiceProvider.GetRequiredService<StreamSignal>().Record(this.GetPrimaryKeyString(), item);
        return Task.CompletedTask;
    }
}

/// <summary>A test hook: consumer grains record stream items here and tests wait on the item itself.</summary>
public sealed class StreamSignal
{
    private readonly ConcurrentDictionary<(string Key, int Item), TaskCompletionSource> _items = new();

    public Task Received(string key, int item) => Source(key, item).Task;

    public void Record(string key, int item) => Source(key, item).TrySetResult();

    private TaskCompletionSource Source(string key, int item) =>
        _items.GetOrAdd((key, item), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
