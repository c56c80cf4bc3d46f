// Design: how long one announcement takes to reach N grains spread over 3 silos of one cluster in this process: by a
// memory stream (explicit subscriptions kept in the pub-sub store, as worker grains once subscribed to a jobs stream),
// on the marketplace's stream settings and on Orleans' defaults; by a broadcast channel; and by one-way grain calls to
// the known grains (as the job grain offers a job to the online workers). A broadcast channel's implicit subscription
// delivers a message published on channel (namespace, key) to the grain of each subscribing type whose key is that
// key, so reaching N grains takes N publishes, one per grain key: the announcer must know the subscribers, as the job
// grain does (it waits for bids from the online workers' ids). Latency is measured from just before the publish to
// each grain's handler, with one clock (one process), announcements one at a time; "all" is the time until the last
// of the N grains has it, which is what matching waits for.
using System.Diagnostics;
using System.Globalization;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Orleans.BroadcastChannel;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Streams;

namespace Marketplace.Jobs.Bench;

/// <summary>One probe announcement: a sequence number and the publisher's timestamp.</summary>
[GenerateSerializer]
[Alias("bench.probe-announcement")]
public sealed class ProbeAnnouncement
{
    /// <summary>Which announcement.</summary>
    [Id(0)] public long Sequence { get; set; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> just before the publish.</summary>
    [Id(1)] public long SentAt { get; set; }
}

/// <summary>A probe subscriber on the memory stream.</summary>
public interface IProbeStreamSubscriber : IGrainWithStringKey
{
    /// <summary>Activates the grain (and its subscription) where it is called from.</summary>
    Task PingAsync();
}

/// <summary>A probe subscriber on the broadcast channel.</summary>
public interface IProbeChannelSubscriber : IGrainWithStringKey
{
    /// <summary>Activates the grain where it is called from.</summary>
    Task PingAsync();
}

/// <summary>A probe subscriber called directly.</summary>
public interface IProbeCallSubscriber : IGrainWithStringKey
{
    /// <summary>Activates the grain where it is called from.</summary>
    Task PingAsync();

    /// <summary>The announcement, one-way as the job grain's offers to workers.</summary>
    [OneWay]
    Task OfferAsync(ProbeAnnouncement announcement);
}

/// <summary>Receives announcements by one-way calls.</summary>
[PreferLocalPlacement]
internal sealed class ProbeCallSubscriber : Grain, IProbeCallSubscriber
{
    /// <inheritdoc />
    public Task PingAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task OfferAsync(ProbeAnnouncement announcement) => BroadcastProbe.Deliveries.Record(announcement);
}

/// <summary>Subscribes on activation to the probe stream the way worker grains subscribe to the jobs stream.</summary>
[PreferLocalPlacement]
internal sealed class ProbeStreamSubscriber : Grain, IProbeStreamSubscriber
{
    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Keys "probe-stock:..." subscribe on the provider with Orleans' defaults, the others on the fast-polling one.
        var key = this.GetPrimaryKeyString();
        var provider = key.StartsWith(BroadcastProbe.StockStreamProvider + ":", StringComparison.Ordinal) ? BroadcastProbe.StockStreamProvider : BroadcastProbe.FastStreamProvider;
        var stream = this.GetStreamProvider(provider).GetStream<ProbeAnnouncement>(StreamId.Create(BroadcastProbe.Namespace, MarketplaceStreams.BroadcastKey));
        var handles = await stream.GetAllSubscriptionHandles();
        if (handles.Count == 0)
        {
            await stream.SubscribeAsync((a, _) => BroadcastProbe.Deliveries.Record(a));
            return;
        }

        await handles[0].ResumeAsync((a, _) => BroadcastProbe.Deliveries.Record(a));
    }

    /// <inheritdoc />
    public Task PingAsync() => Task.CompletedTask;
}

/// <summary>Implicitly subscribed to the probe channel of its own key.</summary>
[PreferLocalPlacement]
[ImplicitChannelSubscription(BroadcastProbe.Namespace)]
internal sealed class ProbeChannelSubscriber : Grain, IProbeChannelSubscriber, IOnBroadcastChannelSubscribed
{
    /// <inheritdoc />
    public Task OnSubscribed(IBroadcastChannelSubscription subscription) =>
        subscription.Attach<ProbeAnnouncement>(BroadcastProbe.Deliveries.Record, _ => Task.CompletedTask);

    /// <inheritdoc />
    public Task PingAsync() => Task.CompletedTask;
}

/// <summary>The probe: <c>--broadcast-probe [--subscribers 30] [--announcements 3000]</c>.</summary>
internal static class BroadcastProbe
{
    /// <summary>Stream and channel namespace of the probe.</summary>
    public const string Namespace = "probe";

    private const string ChannelProvider = "probe-channel";

    /// <summary>A memory stream provider on Orleans' defaults (pulling agents look at their queues every 100 ms; the
    /// marketplace's provider looks every 10 ms).</summary>
    public const string StockStreamProvider = "probe-stock";

    /// <summary>A memory stream provider polling 2 queues every 10 ms (the settings the marketplace used while job
    /// offers travelled on a stream).</summary>
    public const string FastStreamProvider = "probe-fast";

    /// <summary>Where the subscribers report.</summary>
    public static readonly DeliveryLog Deliveries = new();

    public static async Task<int> RunAsync(string[] args)
    {
        var subscribers = Option(args, "--subscribers", 30);
        var announcements = Option(args, "--announcements", 3_000);
        var warmup = Option(args, "--warmup", 500);
        Console.WriteLine($"command: dotnet run -c Release --project bench/Jobs -- --broadcast-probe --subscribers {subscribers} --announcements {announcements} --warmup {warmup}");
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}; 3 silos in this process, {subscribers} subscriber grains spread evenly over them; announcements one at a time from silo A");
        await using var cluster = await BenchCluster.StartAsync(3, new Dictionary<string, string?>(), _ => new Dictionary<string, string?>(), memoryStorage: true,
            silo =>
            {
                silo.AddBroadcastChannel(ChannelProvider, o => o.FireAndForgetDelivery = true);
                silo.AddMemoryStreams(StockStreamProvider);
                silo.AddMemoryStreams(FastStreamProvider, streams =>
                {
                    streams.ConfigurePartitioning(2);
                    streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(10)));
                });
            });
        var factories = cluster.Silos.Select(s => s.GetRequiredService<IGrainFactory>()).ToArray();
        var client = cluster.Silos[0].GetRequiredService<IClusterClient>();
        var keys = Enumerable.Range(0, subscribers).Select(i => "s" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

        // Memory stream: one publish reaches every subscription.
        for (var i = 0; i < subscribers; i++)
        {
            await factories[i % 3].GetGrain<IProbeStreamSubscriber>(keys[i]).PingAsync();
        }

        var stream = client.GetStreamProvider(FastStreamProvider).GetStream<ProbeAnnouncement>(StreamId.Create(Namespace, MarketplaceStreams.BroadcastKey));
        Print("memory stream on 2 queues polled every 10 ms (1 publish)", await MeasureAsync(subscribers, warmup, announcements, a => stream.OnNextAsync(a)));

        // The same on a provider with Orleans' defaults (its own subscribers).
        for (var i = 0; i < subscribers; i++)
        {
            await factories[i % 3].GetGrain<IProbeStreamSubscriber>(StockStreamProvider + ":" + keys[i]).PingAsync();
        }

        var stock = client.GetStreamProvider(StockStreamProvider).GetStream<ProbeAnnouncement>(StreamId.Create(Namespace, MarketplaceStreams.BroadcastKey));
        Print("memory stream on Orleans' defaults, 100 ms queue poll (1 publish)", await MeasureAsync(subscribers, warmup, announcements, a => stock.OnNextAsync(a)));

        // One-way grain calls to the known subscribers, as the job grain offers a job to the online workers.
        // Activated through silo i mod 3 (placed there), called from silo A like the other ways publish.
        var callees = new IProbeCallSubscriber[subscribers];
        for (var i = 0; i < subscribers; i++)
        {
            await factories[i % 3].GetGrain<IProbeCallSubscriber>(keys[i]).PingAsync();
            callees[i] = factories[0].GetGrain<IProbeCallSubscriber>(keys[i]);
        }

        var callTasks = new Task[subscribers];
        Print($"one-way grain calls ({subscribers} calls)", await MeasureAsync(subscribers, warmup, announcements, a =>
        {
            for (var i = 0; i < callees.Length; i++)
            {
                callTasks[i] = callees[i].OfferAsync(a);
            }

            return Task.WhenAll(callTasks);
        }));

        // Broadcast channel: one publish per subscriber key.
        for (var i = 0; i < subscribers; i++)
        {
            await factories[i % 3].GetGrain<IProbeChannelSubscriber>(keys[i]).PingAsync();
        }

        var provider = client.GetBroadcastChannelProvider(ChannelProvider);
        var writers = keys.Select(k => provider.GetChannelWriter<ProbeAnnouncement>(ChannelId.Create(Namespace, k))).ToArray();
        var tasks = new Task[writers.Length];
        var channelResult = await MeasureAsync(subscribers, warmup, announcements, a =>
        {
            for (var i = 0; i < writers.Length; i++)
            {
                tasks[i] = writers[i].Publish(a);
            }

            return Task.WhenAll(tasks);
        });
        Print($"broadcast channel, fire and forget ({subscribers} publishes)", channelResult);
        return 0;
    }

    private static async Task<(List<double> Each, List<double> All)> MeasureAsync(int subscribers, int warmup, int announcements, Func<ProbeAnnouncement, Task> publish)
    {
        var each = new List<double>(subscribers * announcements);
        var all = new List<double>(announcements);
        for (var i = 0; i < warmup + announcements; i++)
        {
            var done = Deliveries.Expect(i, subscribers);
            var sentAt = Stopwatch.GetTimestamp();
            await publish(new ProbeAnnouncement { Sequence = i, SentAt = sentAt });
            var delivered = await done.WaitAsync(TimeSpan.FromSeconds(30));
            if (i >= warmup)
            {
                each.AddRange(delivered);
                all.Add(delivered.Max());
            }
        }

        return (each, all);
    }

    private static void Print(string what, (List<double> Each, List<double> All) r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: each delivery p50 {Percentile(r.Each, 0.50):0.00} ms, p99 {Percentile(r.Each, 0.99):0.00} ms; all subscribers reached p50 {Percentile(r.All, 0.50):0.00} ms, p99 {Percentile(r.All, 0.99):0.00} ms ({r.All.Count} announcements)"));

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static double Percentile(List<double> values, double p)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : values[Math.Min(values.Count - 1, (int)(p * values.Count))];
    }

    /// <summary>The deliveries of the announcement in flight (one at a time).</summary>
    internal sealed class DeliveryLog
    {
        private readonly Lock _lock = new();
        private long _sequence = -1;
        private int _expected;
        private List<double> _latencies = [];
        private TaskCompletionSource<List<double>> _done = new();

        /// <summary>Starts waiting for <paramref name="count"/> deliveries of announcement <paramref name="sequence"/>.</summary>
        public Task<List<double>> Expect(long sequence, int count)
        {
            lock (_lock)
            {
                _sequence = sequence;
                _expected = count;
                _latencies = new List<double>(count);
                _done = new TaskCompletionSource<List<double>>(TaskCreationOptions.RunContinuationsAsynchronously);
                return _done.Task;
            }
        }

        /// <summary>A subscriber's handler got <paramref name="announcement"/>.</summary>
        public Task Record(ProbeAnnouncement announcement)
        {
            var ms = Stopwatch.GetElapsedTime(announcement.SentAt).TotalMilliseconds;
            lock (_lock)
            {
                if (announcement.Sequence == _sequence)
                {
                    _latencies.Add(ms);
                    if (_latencies.Count == _expected)
                    {
                        _done.TrySetResult(_latencies);
                    }
                }
            }

            return Task.CompletedTask;
        }
    }
}
