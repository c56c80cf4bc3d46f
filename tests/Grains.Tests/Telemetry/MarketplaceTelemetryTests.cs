using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Telemetry;
using Xunit;

namespace Marketplace.Grains.Tests.Telemetry;

/// <summary>The Marketplace meter's tags use the wire names, and recording on the run path allocates nothing.</summary>
public sealed class MarketplaceTelemetryTests
{
    [Fact]
    public void A_job_that_did_not_complete_is_counted_by_wire_status_and_reason()
    {
        var seen = new ConcurrentQueue<(string Instrument, string? Status, string? Reason)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MarketplaceTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            string? status = null, reason = null;
            foreach (var tag in tags)
            {
                status = tag.Key == MarketplaceTelemetry.StatusTag ? (string?)tag.Value : status;
                reason = tag.Key == MarketplaceTelemetry.FailureReasonTag ? (string?)tag.Value : reason;
            }

            seen.Enqueue((instrument.Name, status, reason));
        });
        listener.Start();

        MarketplaceTelemetry.JobFinished(JobStatus.TimedOut, FailureReason.OutOfFuel);
        MarketplaceTelemetry.JobFinished(JobStatus.Completed, FailureReason.None);

        Assert.Contains(("marketplace.jobs.failed", "timed_out", "out_of_fuel"), seen);
        Assert.Contains(("marketplace.jobs.completed", null, null), seen);
        Assert.Equal("succeeded", MarketplaceTelemetry.OutcomeOf(true, FailureReason.None));
        Assert.Equal("worker_lost", MarketplaceTelemetry.OutcomeOf(false, FailureReason.WorkerLost));
        Assert.Equal("unknown", MarketplaceTelemetry.OutcomeOf(false, (FailureReason)99));
    }

    [Fact]
    public void Recording_with_a_listener_allocates_nothing()
    {
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MarketplaceTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        listener.Start();
        var outcome = MarketplaceTelemetry.OutcomeOf(false, FailureReason.ExecutionError);
        Record(outcome); // warm up: static tables, JIT

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Record(outcome);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Record(string outcome)
        {
            MarketplaceTelemetry.JobSubmitted();
            MarketplaceTelemetry.JobFinished(JobStatus.Failed, FailureReason.ExecutionError);
            MarketplaceTelemetry.JobStarted(TimeSpan.FromMilliseconds(5));
            MarketplaceTelemetry.JobRan(TimeSpan.FromMilliseconds(3), outcome);
            MarketplaceTelemetry.BlobUploaded(1024, MarketplaceTelemetry.BlobSourceJobOutput);
        }
    }

    [Fact]
    public void A_run_span_continues_the_carried_trace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MarketplaceTelemetry.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpan = ActivitySpanId.CreateRandom();

        using var run = MarketplaceTelemetry.StartJobRun($"00-{traceId.ToHexString()}-{parentSpan.ToHexString()}-01", "k=v", "job1", "prog1", "w1", 2);

        Assert.NotNull(run);
        Assert.Equal(MarketplaceTelemetry.JobRunActivityName, run.OperationName);
        Assert.Equal(traceId, run.TraceId);
        Assert.Equal(parentSpan, run.ParentSpanId);
        Assert.Equal("k=v", run.TraceStateString);
        Assert.Equal("job1", run.GetTagItem(MarketplaceTelemetry.JobIdTag));
        Assert.Equal(2, run.GetTagItem(MarketplaceTelemetry.AttemptTag));
    }
}
