using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Telemetry;
using Marketplace.Grains.Tests.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>W3C trace context across silos: the span of a job's run on a worker of another silo belongs to the trace
/// of the call that submitted the job, with activity propagation on as the silo host configures it.</summary>
public sealed class CrossSiloTraceTests
{
    [Fact]
    public async Task TheRunOnAnotherSilosWorkerJoinsTheSubmittersTrace()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)
                || source.Name == MarketplaceTelemetry.Name || source.Name == nameof(CrossSiloTraceTests),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource(nameof(CrossSiloTraceTests));

        await using var cluster = await MarketplaceTestCluster.StartAsync(
            [ClusterKit.NoWorkers().Values, ClusterKit.Silo().Worker("b-1").Values], workers: 1, silo => silo.AddActivityPropagation());
        var a = cluster[0];
        var quick = await ClusterKit.DeployAsync(a.Grains, "quick");

        JobInfo job;
        ActivityTraceId traceId;
        using (var submit = source.StartActivity("submit", ActivityKind.Client))
        {
            Assert.NotNull(submit);
            traceId = submit.TraceId;
            job = await a.Grains.SubmitAsync(JobsKit.Job(quick));
        }

        var done = await a.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Same(cluster[1], cluster.HostOf(done.WorkerId!));

        Activity? run = null;
        await MarketplaceTestCluster.WaitAsync(
            () => Task.FromResult((run = stopped.FirstOrDefault(x => x.OperationName == MarketplaceTelemetry.JobRunActivityName
                && (string?)x.GetTagItem(MarketplaceTelemetry.JobIdTag) == job.JobId)) is not null),
            () => $"no {MarketplaceTelemetry.JobRunActivityName} span for {job.JobId}; saw {stopped.Count} spans");
        Assert.Equal(traceId, run!.TraceId);
        Assert.Equal("b-1", run.GetTagItem(MarketplaceTelemetry.WorkerIdTag));

        // The worker's grain calls during the run (its report to the job among them) are children in the same trace.
        Assert.Contains(stopped, x => x.TraceId == traceId && x.ParentSpanId == run.SpanId);
    }
}
