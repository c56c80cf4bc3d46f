using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Storage;
using Marketplace.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Streams;

public sealed class StreamTests(ITestOutputHelper output) : IDisposable
{
    private static long _lazyKeys;

    private readonly string _folder = Directory.CreateTempSubdirectory("mkt-streams-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Task<TestSilo> StartMemorySilo() => TestSilo.StartAsync(silo =>
    {
        silo.Services.AddMemoryGrainStorage("Default");
        silo.AddMemoryStreams(StreamRecords.Provider);
    });

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private static IEnumerable<string> Range(int from, int count, string tag = "") => Enumerable.Range(from, count).Select(i => tag + i);

    [Fact]
    public async Task Events_arrive_in_order_once_per_subscriber_with_concurrent_producers()
    {
        await using var silo = await StartMemorySilo();
        var provider = silo.Services.GetStreamProvider(StreamRecords.Provider);
        const int Streams = 4, PerProducer = 150, ProducersPerStream = 2;
        var consumers = new List<(string Name, int Expected)>();
        var producers = new List<Task>();
        var streamKeys = Enumerable.Range(0, Streams).Select(_ => Unique("s")).ToArray();
        foreach (var key in streamKeys)
        {
            // Two grain subscribers (one of them twice on the same stream) and one in-process subscriber per stream.
            var a = Unique("a") + "|" + key;
            var b = Unique("b") + "|" + key;
            await silo.Grains.GetGrain<IExplicitConsumerGrain>(a).Subscribe(key);
            await silo.Grains.GetGrain<IExplicitConsumerGrain>(b).SubscribeTagged(key, "first:");
            await silo.Grains.GetGrain<IExplicitConsumerGrain>(b).SubscribeTagged(key, "second:");
            var local = Unique("local");
            await provider.GetStream<int>(ExplicitConsumerGrain.StreamFor(key)).SubscribeAsync(new RecordingObserver(local, ""));
            consumers.Add((a, PerProducer * ProducersPerStream));
            consumers.Add((b, 2 * PerProducer * ProducersPerStream));
            consumers.Add((local, PerProducer * ProducersPerStream));
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var s = 0; s < Streams; s++)
        {
            var key = streamKeys[s];
            var stream = provider.GetStream<int>(ExplicitConsumerGrain.StreamFor(key));

            // Producer 1: plain code, items 0..; producer 2: a grain, items 100000..; concurrent on the same stream.
            producers.Add(Task.Run(async () =>
            {
                for (var i = 0; i < PerProducer; i++)
                {
                    await stream.OnNextAsync(i);
                }
            }));
            producers.Add(silo.Grains.GetGrain<IStreamProducerGrain>(Unique("p")).Produce("explicit", key, 100_000, PerProducer));
        }

        await Task.WhenAll(producers);
        foreach (var (name, expected) in consumers)
        {
            await StreamRecords.For(name).WaitForCount(expected);
        }

        var elapsed = clock.Elapsed;
        await Task.Delay(50);
        foreach (var (name, expected) in consumers)
        {
            var record = StreamRecords.For(name);
            var items = record.Items;
            Assert.Equal(expected, items.Count);
            Assert.Equal(0, record.Overlaps);

            // Per subscription (items tagged "first:"/"second:" for the grain subscribed twice), each producer's items
            // arrive in the order produced, each exactly once.
            foreach (var subscription in items.GroupBy(i => i.Contains(':', StringComparison.Ordinal) ? i[..i.IndexOf(':', StringComparison.Ordinal)] : ""))
            {
                var values = subscription.Select(i => int.Parse(i[(i.IndexOf(':', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(Enumerable.Range(0, PerProducer), values.Where(i => i < 100_000));
                Assert.Equal(Enumerable.Range(100_000, PerProducer), values.Where(i => i >= 100_000));
            }

            Assert.Equal(expected / (PerProducer * ProducersPerStream), items.GroupBy(i => i.Contains(':', StringComparison.Ordinal) ? i[..i.IndexOf(':', StringComparison.Ordinal)] : "").Count());
        }

        // Informational only (speed goals live in bench/): deliveries per second including grain calls.
        var delivered = consumers.Sum(c => c.Expected);
        output.WriteLine($"{consumers.Count} subscriptions on {Streams} streams received {delivered} events in order in {elapsed.TotalMilliseconds:F0} ms ({delivered / elapsed.TotalSeconds:F0}/s)");
    }

    [Fact]
    public async Task All_subscribers_of_a_stream_see_the_same_interleaving_of_concurrent_producers()
    {
        await using var silo = await StartMemorySilo();
        var provider = silo.Services.GetStreamProvider(StreamRecords.Provider);
        var key = Unique("s");
        var names = Enumerable.Range(0, 3).Select(_ => Unique("c") + "|" + key).ToArray();
        foreach (var n in names)
        {
            await silo.Grains.GetGrain<IExplicitConsumerGrain>(n).Subscribe(key);
        }

        var stream = provider.GetStream<int>(ExplicitConsumerGrain.StreamFor(key));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await stream.OnNextAsync((p * 1000) + i);
            }
        })));
        foreach (var n in names)
        {
            await StreamRecords.For(n).WaitForCount(200);
        }

        var first = StreamRecords.For(names[0]).Items;
        Assert.Equal(200, first.Distinct().Count());
        foreach (var n in names.Skip(1))
        {
            Assert.Equal(first, StreamRecords.For(n).Items);
        }
    }

    [Fact]
    public async Task A_slow_subscriber_does_not_hold_back_the_others()
    {
        await using var silo = await StartMemorySilo();
        var stream = silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create("slow", Unique("k")));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = Unique("slow");
        var fast = Unique("fast");
        await stream.SubscribeAsync(async (int item, StreamSequenceToken? token) =>
        {
            await gate.Task;
            await StreamRecords.For(slow).Add(item.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        await stream.SubscribeAsync(new RecordingObserver(fast, ""));
        await stream.OnNextBatchAsync([1, 2, 3]);

        await StreamRecords.For(fast).WaitForCount(3);
        Assert.Empty(StreamRecords.For(slow).Items);
        gate.SetResult();
        await StreamRecords.For(slow).WaitForCount(3);
        Assert.Equal(["1", "2", "3"], StreamRecords.For(slow).Items);
    }

    [Fact]
    public async Task Unsubscribe_stops_delivery()
    {
        await using var silo = await StartMemorySilo();
        var provider = silo.Services.GetStreamProvider(StreamRecords.Provider);
        var key = Unique("s");
        var stream = provider.GetStream<int>(ExplicitConsumerGrain.StreamFor(key));
        var grainName = Unique("g") + "|" + key;
        var grain = silo.Grains.GetGrain<IExplicitConsumerGrain>(grainName);
        await grain.Subscribe(key);
        var local = Unique("local");
        var localHandle = await stream.SubscribeAsync(new RecordingObserver(local, ""));
        var witness = Unique("witness");
        await stream.SubscribeAsync(new RecordingObserver(witness, ""));

        await stream.OnNextAsync(1);
        await StreamRecords.For(grainName).WaitForCount(1);
        await StreamRecords.For(local).WaitForCount(1);

        await grain.Unsubscribe(key);
        await localHandle.UnsubscribeAsync();
        Assert.Equal(0, await grain.HandleCount(key));
        Assert.Single(await stream.GetAllSubscriptionHandles());

        await stream.OnNextAsync(2);
        await stream.OnNextAsync(3);
        await StreamRecords.For(witness).WaitForCount(3);
        await Task.Delay(100);
        Assert.Equal(["1"], StreamRecords.For(grainName).Items);
        Assert.Equal(["1"], StreamRecords.For(local).Items);
        Assert.Equal(["1", "2", "3"], StreamRecords.For(witness).Items);
    }

    [Fact]
    public async Task Implicit_subscription_activates_the_grain_and_receives_events()
    {
        await using var silo = await StartMemorySilo();
        var key = Guid.NewGuid();
        var name = "implicit-" + key.ToString("N");
        var stream = silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create("implicit", key));
        Assert.Equal(0, StreamRecords.For(name).Activations);

        await stream.OnNextBatchAsync([1, 2, 3]);
        await stream.OnNextAsync(4);
        await StreamRecords.For(name).WaitForCount(4);
        Assert.Equal(["1", "2", "3", "4"], StreamRecords.For(name).Items);
        Assert.Equal(1, StreamRecords.For(name).Activations);
        Assert.Equal(1, await silo.Grains.GetGrain<IImplicitConsumerGrain>(key).HandleCount());

        // Another key of the namespace reaches another grain only.
        var other = Guid.NewGuid();
        await silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create("implicit", other)).OnNextAsync(9);
        await StreamRecords.For("implicit-" + other.ToString("N")).WaitForCount(1);
        Assert.Equal(4, StreamRecords.For(name).Items.Count);
    }

    [Fact]
    public async Task Implicit_subscriber_can_attach_lazily_through_OnSubscribed()
    {
        await using var silo = await StartMemorySilo();
        var key = Interlocked.Increment(ref _lazyKeys);
        var stream = silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create("lazy", key));
        await stream.OnNextAsync(7);
        await stream.OnNextAsync(8);
        await StreamRecords.For("lazy-" + key).WaitForCount(2);
        Assert.Equal(["7", "8"], StreamRecords.For("lazy-" + key).Items);
    }

    [Fact]
    public async Task Explicit_grain_subscription_survives_deactivation()
    {
        await using var silo = await StartMemorySilo();
        var key = Unique("s");
        var name = Unique("g") + "|" + key;
        var grain = silo.Grains.GetGrain<IExplicitConsumerGrain>(name);
        var handleId = await grain.Subscribe(key);
        var stream = silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(ExplicitConsumerGrain.StreamFor(key));
        await stream.OnNextAsync(1);
        await StreamRecords.For(name).WaitForCount(1);

        await grain.Deactivate();
        var catalog = silo.Services.GetRequiredService<Marketplace.Runtime.Messaging.SiloRuntimeClient>().Catalog;
        await WaitUntil(() => !catalog.TryGet(grain.GetGrainId(), out _));

        await stream.OnNextAsync(2);
        await stream.OnNextAsync(3);
        await StreamRecords.For(name).WaitForCount(3);
        Assert.Equal(["1", "2", "3"], StreamRecords.For(name).Items);
        Assert.Equal(2, StreamRecords.For(name).Activations);
        Assert.NotEqual(Guid.Empty, handleId);
    }

    [Fact]
    public async Task Explicit_grain_subscription_survives_a_silo_restart_on_sqlite()
    {
        var file = Path.Combine(_folder, "pubsub.db");
        Action<ISiloBuilder> configure = silo =>
        {
            silo.Services.AddMemoryGrainStorage("Default");
            silo.Services.AddAdoNetGrainStorage("PubSubStore", o => o.ConnectionString = $"Data Source={file}");
            silo.AddMemoryStreams(StreamRecords.Provider);
        };
        var key = Unique("s");
        var name = Unique("g") + "|" + key;
        await using (var first = await TestSilo.StartAsync(configure))
        {
            await first.Grains.GetGrain<IExplicitConsumerGrain>(name).Subscribe(key);
            await first.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(ExplicitConsumerGrain.StreamFor(key)).OnNextAsync(1);
            await StreamRecords.For(name).WaitForCount(1);
        }

        await using var second = await TestSilo.StartAsync(configure);
        await second.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(ExplicitConsumerGrain.StreamFor(key)).OnNextAsync(2);
        await StreamRecords.For(name).WaitForCount(2);
        Assert.Equal(["1", "2"], StreamRecords.For(name).Items);
        Assert.Equal(2, StreamRecords.For(name).Activations);
        Assert.NotNull(second.Services.GetKeyedService<IGrainStorage>("PubSubStore"));
    }

    [Fact]
    public async Task ResumeAsync_with_a_new_observer_replaces_the_old_one()
    {
        await using var silo = await StartMemorySilo();
        var provider = silo.Services.GetStreamProvider(StreamRecords.Provider);
        var key = Unique("s");
        var stream = provider.GetStream<int>(ExplicitConsumerGrain.StreamFor(key));

        var oldLocal = Unique("old");
        var newLocal = Unique("new");
        var handle = await stream.SubscribeAsync(new RecordingObserver(oldLocal, ""));
        var resumed = await handle.ResumeAsync(new RecordingObserver(newLocal, ""));
        Assert.Equal(handle, resumed);

        var grainName = Unique("g") + "|" + key;
        var grain = silo.Grains.GetGrain<IExplicitConsumerGrain>(grainName);
        await grain.Subscribe(key);
        await grain.ResumeWithTag(key, "x");

        await stream.OnNextAsync(5);
        await StreamRecords.For(newLocal).WaitForCount(1);
        await StreamRecords.For(grainName).WaitForCount(1);
        await Task.Delay(50);
        Assert.Empty(StreamRecords.For(oldLocal).Items);
        Assert.Equal(["x5"], StreamRecords.For(grainName).Items);
        Assert.Equal(1, await grain.HandleCount(key));

        await handle.UnsubscribeAsync();
        await Assert.ThrowsAsync<StreamException>(() => handle.ResumeAsync(new RecordingObserver(oldLocal, "")));
    }

    [Fact]
    public async Task Completion_reaches_subscribers_after_earlier_items()
    {
        await using var silo = await StartMemorySilo();
        var stream = silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create("done", Unique("k")));
        var name = Unique("c");
        await stream.SubscribeAsync(new RecordingObserver(name, ""));
        await stream.OnNextAsync(1);
        await stream.OnCompletedAsync();
        await WaitUntil(() => StreamRecords.For(name).Completed);
        Assert.Equal(["1"], StreamRecords.For(name).Items);
    }

    [Fact]
    public async Task Bad_stream_ids_and_unknown_providers_give_typed_errors()
    {
        await using var silo = await StartMemorySilo();
        Assert.Throws<InvalidStreamIdException>(() => StreamId.Create("", "k"));
        Assert.Throws<InvalidStreamIdException>(() => StreamId.Create("ns", ""));
        Assert.Throws<InvalidStreamIdException>(() => StreamId.Create(null!, 5));
        var provider = silo.Services.GetStreamProvider(StreamRecords.Provider);
        Assert.Throws<InvalidStreamIdException>(() => provider.GetStream<int>(default));
        var unknown = Assert.Throws<StreamProviderNotFoundException>(() => silo.Services.GetStreamProvider("nope"));
        Assert.Contains("nope", unknown.Message, StringComparison.Ordinal);
        Assert.Contains(StreamRecords.Provider, unknown.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StreamProviderNotFoundException>(() => silo.Grains.GetGrain<IExplicitConsumerGrain>(Unique("g")).UseUnknownProvider());
        Assert.Same(provider, silo.Services.GetRequiredKeyedService<IStreamProvider>(StreamRecords.Provider));
    }

    [Fact]
    public async Task Producing_after_the_silo_stopped_fails_with_a_stream_error()
    {
        IAsyncStream<int> stream;
        await using (var silo = await StartMemorySilo())
        {
            stream = silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create("late", Unique("k")));
            await stream.OnNextAsync(1);
        }

        var error = await Assert.ThrowsAsync<StreamException>(() => stream.OnNextAsync(2));
        Assert.Contains("stopped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_without_stream_providers_reports_the_missing_provider()
    {
        await using var silo = await TestSilo.StartAsync();
        Assert.Throws<StreamProviderNotFoundException>(() => silo.Services.GetStreamProvider("mem"));
    }

    [Fact]
    public async Task Grain_subscriptions_without_subscription_storage_fail_with_a_clear_error()
    {
        await using var silo = await TestSilo.StartAsync(silo => silo.AddMemoryStreams(StreamRecords.Provider));
        var key = Unique("s");
        var error = await Assert.ThrowsAsync<StreamException>(() => silo.Grains.GetGrain<IExplicitConsumerGrain>(Unique("g") + "|" + key).Subscribe(key));
        output.WriteLine(error.ToString());
        Assert.Contains("PubSubStore", error.ToString(), StringComparison.Ordinal);

        // Implicit and in-process subscriptions need no storage.
        var implicitKey = Guid.NewGuid();
        var stream = silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(StreamId.Create("implicit", implicitKey));
        var local = Unique("local");
        await stream.SubscribeAsync(new RecordingObserver(local, ""));
        await stream.OnNextAsync(1);
        await StreamRecords.For("implicit-" + implicitKey.ToString("N")).WaitForCount(1);
        await StreamRecords.For(local).WaitForCount(1);
    }

    [Fact]
    public async Task Errors_reach_grain_and_local_subscribers_after_earlier_items()
    {
        await using var silo = await StartMemorySilo();
        var key = Unique("s");
        var stream = silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(ExplicitConsumerGrain.StreamFor(key));
        var errors = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<int>();
        await stream.SubscribeAsync(
            (item, _) =>
            {
                seen.Add(item);
                return Task.CompletedTask;
            },
            ex =>
            {
                errors.Add(ex.Message);
                done.SetResult();
                return Task.CompletedTask;
            });
        await stream.OnNextAsync(1);
        await stream.OnErrorAsync(new InvalidOperationException("producer broke"));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal([1], seen);
        Assert.Equal(["producer broke"], errors);
    }

    [Fact]
    public async Task Deliveries_to_grains_are_grain_calls_seen_by_incoming_filters()
    {
        var filter = new DeliveryFilter();
        await using var silo = await TestSilo.StartAsync(silo =>
        {
            silo.Services.AddMemoryGrainStorage("Default");
            silo.AddMemoryStreams(StreamRecords.Provider);
            silo.AddIncomingGrainCallFilter(filter);
        });
        var key = Unique("s");
        var name = Unique("g") + "|" + key;
        var grain = silo.Grains.GetGrain<IExplicitConsumerGrain>(name);
        await grain.Subscribe(key);
        await silo.Services.GetStreamProvider(StreamRecords.Provider).GetStream<int>(ExplicitConsumerGrain.StreamFor(key)).OnNextAsync(42);
        await StreamRecords.For(name).WaitForCount(1);
        Assert.Equal([(grain.GetGrainId(), "Deliver", 42)], filter.Seen);
    }

    private sealed class DeliveryFilter : IIncomingGrainCallFilter
    {
        private readonly List<(GrainId, string, int)> _seen = [];

        public List<(GrainId, string, int)> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceName.EndsWith("IStreamConsumer", StringComparison.Ordinal))
            {
                lock (_seen)
                {
                    _seen.Add((context.TargetId, context.MethodName, (int)context.Request.GetArgument(2)!));
                }
            }

            return context.Invoke();
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 20 s");
            await Task.Delay(10);
        }
    }
}
