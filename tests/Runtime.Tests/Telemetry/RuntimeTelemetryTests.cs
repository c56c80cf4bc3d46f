using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Telemetry;

[Collection("telemetry")]
public sealed class RuntimeTelemetryTests
{
    [Fact]
    public async Task EachCallIsASpanNamedInterfaceMethodParentedOnTheCaller()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Marketplace.Runtime" || s.Name == "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        await using var silo = await TestSilo.StartAsync();
        var a = silo.Grains.GetGrain<IBehaviourGrain>("span-a");
        var b = silo.Grains.GetGrain<IBehaviourGrain>("span-b");
        string traceId;
        using (var root = source.StartActivity("root")!)
        {
            traceId = root.TraceId.ToString();
            Assert.Equal("42", await a.CallThrough(b));
        }

        var callThrough = Assert.Single(spans, s => s.DisplayName == "Marketplace.Runtime.Tests.Grains.IBehaviourGrain/CallThrough" && s.TraceId.ToString() == traceId);
        var add = Assert.Single(spans, s => s.DisplayName == "Marketplace.Runtime.Tests.Grains.IBehaviourGrain/Add" && s.TraceId.ToString() == traceId);
        Assert.Equal(callThrough.SpanId, add.ParentSpanId);
        Assert.Equal(ActivityKind.Server, add.Kind);
    }

    [Fact]
    public async Task MeterReportsCallsDurationsFailuresAndActivations()
    {
        var measurements = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Marketplace.Runtime")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        // Other tests' silos run in parallel in this process and remove activations (-1) meanwhile, so the
        // activations sum may be below 1: increments are counted separately.
        listener.SetMeasurementEventCallback<long>((i, v, _, _) =>
        {
            measurements.AddOrUpdate(i.Name, v, (_, old) => old + v);
            if (v > 0)
            {
                measurements.AddOrUpdate(i.Name + ".increments", v, (_, old) => old + v);
            }
        });
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => measurements.AddOrUpdate(i.Name, 1, (_, old) => old + 1));
        listener.Start();
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IBehaviourGrain>("metrics-" + Guid.NewGuid());
        await grain.Add(1, 2);
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("x"));
        listener.RecordObservableInstruments();
        Assert.True(measurements.GetValueOrDefault("marketplace.grain.calls") >= 2);
        Assert.True(measurements.GetValueOrDefault("marketplace.grain.call.duration") >= 2);
        Assert.True(measurements.GetValueOrDefault("marketplace.grain.call.failures") >= 1);
        Assert.True(measurements.GetValueOrDefault("marketplace.grain.activations.increments") >= 1);
        Assert.True(measurements.ContainsKey("marketplace.grain.queue.length"));
    }
}
