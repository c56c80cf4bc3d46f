using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.Runtime.Tests.Grains;
using Marketplace.Runtime.Tests.Networking;
using Xunit;

namespace Marketplace.Runtime.Tests.Telemetry;

[Collection("telemetry")]
public sealed class ClientTraceContextTests
{
    [Fact]
    public async Task ClientCallsCarryTheCallersW3CTraceContextToTheSilo()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Marketplace.Runtime" || s.Name == "client-test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("client-test");
        await using var silo = await GatewaySilo.StartAsync();
        await using var client = await silo.ConnectClientAsync(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        var grain = client.GetGrain<IBehaviourGrain>("client-trace");

        string traceId;
        string spanId;
        using (var root = source.StartActivity("client root")!)
        {
            traceId = root.TraceId.ToString();
            spanId = root.SpanId.ToString();
            Assert.Equal(5, await grain.Add(2, 3));
        }

        var add = Assert.Single(spans, s => s.DisplayName == "Marketplace.Runtime.Tests.Grains.IBehaviourGrain/Add" && s.TraceId.ToString() == traceId);
        Assert.Equal(spanId, add.ParentSpanId.ToString());
        Assert.Equal(ActivityKind.Server, add.Kind);
    }
}
