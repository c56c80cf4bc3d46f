// Design: the marketplace's own instruments and spans, all under the one name "Marketplace" so an exporter subscribes
// with AddMeter("Marketplace") and AddSource("Marketplace"). The instruments are static (System.Diagnostics.Metrics
// instruments are cheap and thread-safe; with no listener a Record or Add returns at once). Tag values come from
// arrays built once from the wire enum names, and tags travel in TagList (a struct for up to eight tags), so recording
// on a hot path allocates nothing. Worker and job ids are span tags only: as metric labels they would grow without
// bound. Worker load is observable gauges over the executors this process hosts (read at collection, nothing on the
// run path), not over the worker directory, which would need a grain call per collection.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Grains.Telemetry;

/// <summary>
/// The <c>Marketplace</c> meter and activity source: job, worker and blob instruments and the
/// <c>marketplace.job.run</c> span.
/// </summary>
/// <remarks>
/// Instruments (Prometheus names in brackets):
/// <list type="bullet">
/// <item><c>marketplace.jobs.submitted</c> [<c>marketplace_jobs_submitted_total</c>]: jobs accepted.</item>
/// <item><c>marketplace.jobs.completed</c> [<c>marketplace_jobs_completed_total</c>]: jobs that completed.</item>
/// <item><c>marketplace.jobs.failed</c> [<c>marketplace_jobs_failed_total</c>]: jobs that ended any other way, tagged
/// <c>marketplace.job.status</c> (failed, timed_out, expired, cancelled) and <c>marketplace.job.failure_reason</c>.</item>
/// <item><c>marketplace.job.start_delay</c> (ms) [<c>marketplace_job_start_delay_milliseconds</c>]: submit to the
/// start of the attempt that first ran.</item>
/// <item><c>marketplace.job.run.duration</c> (ms) [<c>marketplace_job_run_duration_milliseconds</c>]: one attempt on a
/// worker, tagged <c>marketplace.job.outcome</c>.</item>
/// <item><c>marketplace.worker.attempts.running</c>, <c>marketplace.worker.attempts.queued</c> (gauges): attempts
/// executing and waiting on the workers this silo hosts.</item>
/// <item><c>marketplace.workers.hosted</c> (gauge): running workers whose executors this silo hosts.</item>
/// <item><c>marketplace.blobs.uploaded</c> (bytes) [<c>marketplace_blobs_uploaded_bytes_total</c>]: blob bytes
/// stored, tagged <c>marketplace.blob.source</c> (api, job_output).</item>
/// </list>
/// </remarks>
public static class MarketplaceTelemetry
{
    /// <summary>Name of the meter and of the activity source.</summary>
    public const string Name = "Marketplace";

    /// <summary>Name of the span of one job attempt on a worker.</summary>
    public const string JobRunActivityName = "marketplace.job.run";

    /// <summary>Span tag: the job id.</summary>
    public const string JobIdTag = "marketplace.job.id";

    /// <summary>Span tag: the program id.</summary>
    public const string ProgramIdTag = "marketplace.program.id";

    /// <summary>Span tag: the worker id.</summary>
    public const string WorkerIdTag = "marketplace.worker.id";

    /// <summary>Span tag: the attempt number (1-based).</summary>
    public const string AttemptTag = "marketplace.job.attempt";

    /// <summary>Span and metric tag: how an attempt ended (<c>succeeded</c> or a failure reason such as <c>out_of_fuel</c>).</summary>
    public const string OutcomeTag = "marketplace.job.outcome";

    /// <summary>Span tag: false when the attempt's result was not reported (the job cancelled it, or its lease was
    /// lost).</summary>
    public const string ReportedTag = "marketplace.job.reported";

    /// <summary>Metric tag: the terminal status of a job that did not complete.</summary>
    public const string StatusTag = "marketplace.job.status";

    /// <summary>Metric tag: the failure reason of a job that did not complete (<c>none</c> for a cancel).</summary>
    public const string FailureReasonTag = "marketplace.job.failure_reason";

    /// <summary>Metric tag: where stored blob bytes came from.</summary>
    public const string BlobSourceTag = "marketplace.blob.source";

    /// <summary>Blob source: an upload through the HTTP API.</summary>
    public const string BlobSourceApi = "api";

    /// <summary>Blob source: the output of a job attempt.</summary>
    public const string BlobSourceJobOutput = "job_output";

    /// <summary>The outcome tag value of a successful attempt.</summary>
    public const string Succeeded = "succeeded";

    private static readonly string[] StatusNames = WireNames<JobStatus>();
    private static readonly string[] ReasonNames = WireNames<FailureReason>();

    /// <summary>The marketplace's activity source.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The marketplace's meter.</summary>
    public static readonly Meter Meter = new(Name);

    private static readonly Counter<long> JobsSubmittedCounter = Meter.CreateCounter<long>("marketplace.jobs.submitted", "{job}", "Jobs accepted.");
    private static readonly Counter<long> JobsCompletedCounter = Meter.CreateCounter<long>("marketplace.jobs.completed", "{job}", "Jobs that completed.");
    private static readonly Counter<long> JobsFailedCounter = Meter.CreateCounter<long>("marketplace.jobs.failed", "{job}", "Jobs that ended without completing, by status and failure reason.");
    private static readonly Histogram<double> StartDelayHistogram = Meter.CreateHistogram<double>("marketplace.job.start_delay", "ms", "Time from submit to the start of the first attempt that ran.");
    private static readonly Histogram<double> RunDurationHistogram = Meter.CreateHistogram<double>("marketplace.job.run.duration", "ms", "Duration of one attempt on a worker, by outcome.");
    private static readonly Histogram<long> ReceiptBatchHistogram = Meter.CreateHistogram<long>("marketplace.receipt.batch.size", "{receipt}", "Executor receipts signed under one BLS signature (1: signed alone).");
    private static readonly ConcurrentDictionary<IWorkerLoad, byte> Executors = new();

    // Read at collection time from the live executors, so the figures cannot drift from the executors' own.
    private static readonly ObservableGauge<int> AttemptsRunningGauge = Meter.CreateObservableGauge("marketplace.worker.attempts.running", static () => SumExecutors(running: true), "{attempt}", "Attempts executing on the workers this process hosts.");
    private static readonly ObservableGauge<int> AttemptsQueuedGauge = Meter.CreateObservableGauge("marketplace.worker.attempts.queued", static () => SumExecutors(running: false), "{attempt}", "Attempts waiting for a slot on the workers this process hosts.");
    private static readonly ObservableGauge<int> WorkersHostedGauge = Meter.CreateObservableGauge("marketplace.workers.hosted", static () => CountExecutors(), "{worker}", "Running workers whose executors this process hosts.");
    private static readonly Counter<long> BlobBytesCounter = Meter.CreateCounter<long>("marketplace.blobs.uploaded", "By", "Blob bytes stored, by source.");

    /// <summary>Counts an accepted job.</summary>
    public static void JobSubmitted() => JobsSubmittedCounter.Add(1);

    /// <summary>Counts a job that reached <paramref name="status"/> (terminal) with <paramref name="reason"/>.</summary>
    public static void JobFinished(JobStatus status, FailureReason reason)
    {
        if (status == JobStatus.Completed)
        {
            JobsCompletedCounter.Add(1);
            return;
        }

        var tags = new TagList
        {
            { StatusTag, NameOf(StatusNames, (int)status) },
            { FailureReasonTag, NameOf(ReasonNames, (int)reason) },
        };
        JobsFailedCounter.Add(1, tags);
    }

    /// <summary>Records the time from submit to the first start of a job.</summary>
    public static void JobStarted(TimeSpan sinceSubmit) => StartDelayHistogram.Record(Math.Max(0, sinceSubmit.TotalMilliseconds));

    /// <summary>The outcome tag value of an attempt.</summary>
    public static string OutcomeOf(bool succeeded, FailureReason reason) =>
        succeeded ? Succeeded : NameOf(ReasonNames, (int)reason);

    /// <summary>Records how many executor receipts one signature covered.</summary>
    public static void ReceiptBatchSigned(int receipts) => ReceiptBatchHistogram.Record(receipts);

    /// <summary>Records the duration of one attempt with its outcome (see <see cref="OutcomeOf"/>).</summary>
    public static void JobRan(TimeSpan duration, string outcome) =>
        RunDurationHistogram.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>(OutcomeTag, outcome));

    /// <summary>Counts <paramref name="executor"/> (a worker's executor) in the worker gauges until
    /// <see cref="Untrack"/>.</summary>
    internal static void Track(IWorkerLoad executor) => Executors.TryAdd(executor, 0);

    /// <summary>Stops counting <paramref name="executor"/>.</summary>
    internal static void Untrack(IWorkerLoad executor) => Executors.TryRemove(executor, out _);

    /// <summary>Counts stored blob bytes from <paramref name="source"/> (<see cref="BlobSourceApi"/> or
    /// <see cref="BlobSourceJobOutput"/>).</summary>
    public static void BlobUploaded(long bytes, string source) =>
        BlobBytesCounter.Add(bytes, new KeyValuePair<string, object?>(BlobSourceTag, source));

    /// <summary>The W3C <c>traceparent</c> of <paramref name="activity"/>, or null when there is none to carry.</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>Starts the <c>marketplace.job.run</c> span of one attempt, a child of the submitting request's trace
    /// when <paramref name="traceParent"/> parses; null when nobody listens.</summary>
    public static Activity? StartJobRun(string? traceParent, string? traceState, string jobId, string programId, string workerId, int attempt)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
        var tags = new TagList
        {
            { JobIdTag, jobId },
            { ProgramIdTag, programId },
            { WorkerIdTag, workerId },
            { AttemptTag, attempt },
        };
        return Source.StartActivity(JobRunActivityName, ActivityKind.Internal, parent, tags);
    }

    private static int SumExecutors(bool running)
    {
        var sum = 0;
        foreach (var (executor, _) in Executors)
        {
            if (executor.IsAlive)
            {
                sum += running ? executor.Running : executor.Queued;
            }
        }

        return sum;
    }

    private static int CountExecutors()
    {
        var count = 0;
        foreach (var (executor, _) in Executors)
        {
            count += executor.IsAlive ? 1 : 0;
        }

        return count;
    }

    private static string NameOf(string[] names, int index) =>
        (uint)index < (uint)names.Length ? names[index] : "unknown";

    private static string[] WireNames<TEnum>()
        where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>();
        var max = 0;
        foreach (var value in values)
        {
            max = Math.Max(max, Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        var names = new string[max + 1];
        Array.Fill(names, "unknown");
        foreach (var value in values)
        {
            names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)] = MarketplaceJson.EnumName(value);
        }

        return names;
    }
}
