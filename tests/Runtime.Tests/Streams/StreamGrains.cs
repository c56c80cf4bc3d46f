using System.Collections.Concurrent;
using Marketplace.Runtime.Streams;

namespace Marketplace.Runtime.Tests.Streams;

/// <summary>What test consumers saw, by consumer name; survives activations and silo restarts in this process.</summary>
public static class StreamRecords
{
    public const string Provider = "mem";

    private static readonly ConcurrentDictionary<string, Record> Records = new();

    public static Record For(string name) => Records.GetOrAdd(name, static _ => new Record());

    public sealed class Record
    {
        private readonly List<string> _items = [];
        private int _inFlight;

        public int Activations;

        public int Overlaps;

        public bool Completed;

        public List<string> Items
        {
            get
            {
                lock (_items)
                {
                    return [.. _items];
                }
            }
        }

        public async Task Add(string item)
        {
            if (Interlocked.Increment(ref _inFlight) > 1)
            {
                Interlocked.Increment(ref Overlaps);
            }

            await Task.Yield();
            lock (_items)
            {
                _items.Add(item);
            }

            Interlocked.Decrement(ref _inFlight);
        }

        public async Task WaitForCount(int count, TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
            while (Items.Count < count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Expected {count} items, got {Items.Count}: {string.Join(",", Items)}");
                }

                await Task.Delay(10);
            }
        }
    }
}

public interface IExplicitConsumerGrain : IGrainWithStringKey
{
    Task<Guid> Subscribe(string streamKey);

    Task<Guid> SubscribeTagged(string streamKey, string tag);

    Task Unsubscribe(string streamKey);

    Task ResumeWithTag(string streamKey, string tag);

    Task<int> HandleCount(string streamKey);

    Task Deactivate();

    Task UseUnknownProvider();
}

/// <summary>Explicitly subscribes to "explicit/{streamKey}"; re-attaches on every activation with ResumeAsync.</summary>
public sealed class ExplicitConsumerGrain : Grain, IExplicitConsumerGrain
{
    private string Name => this.GetPrimaryKeyString();

    public static StreamId StreamFor(string streamKey) => StreamId.Create("explicit", streamKey);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var record = StreamRecords.For(Name);
        Interlocked.Increment(ref record.Activations);
        foreach (var key in Keys())
        {
            var stream = this.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamFor(key));
            foreach (var handle in await stream.GetAllSubscriptionHandles())
            {
                await handle.ResumeAsync(Observer(Name, ""));
            }
        }
    }

    public Task<Guid> Subscribe(string streamKey) => SubscribeTagged(streamKey, "");

    public async Task<Guid> SubscribeTagged(string streamKey, string tag)
    {
        var stream = this.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamFor(streamKey));
        var handle = await stream.SubscribeAsync(Observer(Name, tag));
        return handle.HandleId;
    }

    public async Task Unsubscribe(string streamKey)
    {
        var stream = this.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamFor(streamKey));
        foreach (var handle in await stream.GetAllSubscriptionHandles())
        {
            await handle.UnsubscribeAsync();
        }
    }

    public async Task ResumeWithTag(string streamKey, string tag)
    {
        var stream = this.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamFor(streamKey));
        foreach (var handle in await stream.GetAllSubscriptionHandles())
        {
            await handle.ResumeAsync(Observer(Name, tag));
        }
    }

    public async Task<int> HandleCount(string streamKey) =>
        (await this.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamFor(streamKey)).GetAllSubscriptionHandles()).Count;

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task UseUnknownProvider()
    {
        _ = this.GetStreamProvider("no-such-provider");
        return Task.CompletedTask;
    }

    // The test convention: consumer "a|k1|k2" listens to streams k1 and k2 (so it knows them after reactivation).
    private IEnumerable<string> Keys() => Name.Split('|').Skip(1);

    private static IAsyncObserver<int> Observer(string name, string tag) => new RecordingObserver(name, tag);
}

public sealed class RecordingObserver(string name, string tag) : IAsyncObserver<int>
{
    public Task OnNextAsync(int item, StreamSequenceToken? token = null) => StreamRecords.For(name).Add(tag + item);

    public Task OnCompletedAsync()
    {
        StreamRecords.For(name).Completed = true;
        return Task.CompletedTask;
    }

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

public interface IImplicitConsumerGrain : IGrainWithGuidKey
{
    Task<int> HandleCount();
}

/// <summary>Implicitly subscribed to "implicit/{its key}"; attaches with SubscribeAsync in OnActivateAsync.</summary>
[ImplicitStreamSubscription("implicit")]
public sealed class ImplicitConsumerGrain : Grain, IImplicitConsumerGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var name = "implicit-" + this.GetPrimaryKey().ToString("N");
        Interlocked.Increment(ref StreamRecords.For(name).Activations);
        var stream = this.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create("implicit", this.GetPrimaryKey()));
        await stream.SubscribeAsync(new RecordingObserver(name, ""));
    }

    public async Task<int> HandleCount() =>
        (await this.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create("implicit", this.GetPrimaryKey())).GetAllSubscriptionHandles()).Count;
}

public interface ILazyConsumerGrain : IGrainWithIntegerKey
{
}

/// <summary>Implicitly subscribed to "lazy/{its key}"; attaches its observer only when asked (IStreamSubscriptionObserver).</summary>
[ImplicitStreamSubscription("lazy")]
public sealed class LazyConsumerGrain : Grain, ILazyConsumerGrain, IStreamSubscriptionObserver
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        await handleFactory.Create<int>().ResumeAsync(new RecordingObserver("lazy-" + this.GetPrimaryKeyLong(), ""));
    }
}

public interface IStreamProducerGrain : IGrainWithStringKey
{
    Task Produce(string streamNamespace, string streamKey, int from, int count);
}

public sealed class StreamProducerGrain : Grain, IStreamProducerGrain
{
    public async Task Produce(string streamNamespace, string streamKey, int from, int count)
    {
        var stream = this.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create(streamNamespace, streamKey));
        for (var i = from; i < from + count; i++)
        {
            await stream.OnNextAsync(i);
        }
    }
}
