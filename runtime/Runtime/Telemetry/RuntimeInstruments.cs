using System.Diagnostics;
using System.Diagnostics.Metrics;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;

namespace Marketplace.Runtime.Telemetry;

/// <summary>
/// The <c>Marketplace.Runtime</c> meter and activity source. Calls are measured on the callee: one span per grain call
/// named <c>Interface/Method</c>, parented on the caller's W3C trace context carried in the message header.
/// Everything is skipped cheaply when nobody listens.
/// </summary>
internal static class RuntimeInstruments
{
    public const string Name = "Marketplace.Runtime";

    public static readonly Meter Meter = new(Name);
    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Counter<long> Calls = Meter.CreateCounter<long>("marketplace.grain.calls", description: "Grain calls processed.");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("marketplace.grain.call.failures", description: "Grain calls that ended in an exception.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("marketplace.grain.call.duration", "ms", "Grain call processing time.");
    private static readonly UpDownCounter<long> Activations = Meter.CreateUpDownCounter<long>("marketplace.grain.activations", description: "Live activations.");
    private static readonly Counter<long> ActivationFailures = Meter.CreateCounter<long>("marketplace.grain.activation.failures", description: "Failed activations.");
    private static readonly List<Func<long>> QueueSources = [];

    static RuntimeInstruments()
    {
        Meter.CreateObservableGauge("marketplace.grain.queue.length", ObserveQueueLength, description: "Requests waiting in activation mailboxes.");
    }

    /// <summary>Adds a silo's queue-length source to the gauge.</summary>
    public static void AddQueueSource(Func<long> source)
    {
        lock (QueueSources)
        {
            QueueSources.Add(source);
        }
    }

    /// <summary>Removes a silo's queue-length source.</summary>
    public static void RemoveQueueSource(Func<long> source)
    {
        lock (QueueSources)
        {
            QueueSources.Remove(source);
        }
    }

    public static long StartCall() => Duration.Enabled ? Stopwatch.GetTimestamp() : 0;

    public static Activity? StartServerSpan(Message message)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(message.TraceParent, message.TraceState, out var parent);
        var activity = ActivitySource.StartActivity(message.MethodName, ActivityKind.Server, parent);
        activity?.SetTag("rpc.system", "marketplace");
        activity?.SetTag("marketplace.grain.id", message.Target.ToString());
        return activity;
    }

    public static void EndCall(InvokableMethod method, long startedAt, Exception? exception, Activity? activity)
    {
        if (Calls.Enabled)
        {
            Calls.Add(1, new KeyValuePair<string, object?>("method", method.FullName));
        }

        if (exception is not null)
        {
            if (Failures.Enabled)
            {
                Failures.Add(1, new KeyValuePair<string, object?>("method", method.FullName), new KeyValuePair<string, object?>("exception", exception.GetType().Name));
            }

            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        }

        activity?.Dispose();
        if (startedAt != 0)
        {
            Duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds, new KeyValuePair<string, object?>("method", method.FullName));
        }
    }

    public static void ActivationCreated() => Activations.Add(1);

    public static void ActivationRemoved() => Activations.Add(-1);

    public static void ActivationFailed() => ActivationFailures.Add(1);

    /// <summary>Copies the current activity's W3C context onto an outgoing message.</summary>
    public static void Inject(Message message)
    {
        if (Activity.Current is { } current)
        {
            message.TraceParent = current.Id;
            message.TraceState = current.TraceStateString;
        }
    }

    private static long ObserveQueueLength()
    {
        lock (QueueSources)
        {
            long total = 0;
            foreach (var source in QueueSources)
            {
                total += source();
            }

            return total;
        }
    }
}
