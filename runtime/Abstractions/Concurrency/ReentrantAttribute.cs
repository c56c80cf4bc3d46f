namespace Marketplace.Runtime;

/// <summary>
/// The grain class is reentrant: while one request awaits, others may run (never in parallel: still one turn at a time).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute
{
}

/// <summary>The interface method may interleave with any request, even on a non-reentrant grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute
{
}

/// <summary>The interface method does not change state: read-only requests interleave with each other.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute
{
}

/// <summary>
/// The interface method is fire-and-forget: the call returns once accepted; no result, no exception reaches the caller.
/// The method must return <see cref="Task"/> or <see cref="ValueTask"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute
{
}

/// <summary>Overrides the response timeout for one interface method, e.g. <c>[ResponseTimeout("00:00:05")]</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ResponseTimeoutAttribute(string timeout) : Attribute
{
    /// <summary>The timeout.</summary>
    public TimeSpan Timeout { get; } = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Stateless worker: the runtime may create up to <see cref="MaxLocalWorkers"/> activations of the same grain id on each
/// silo, always locally and outside the directory.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StatelessWorkerAttribute : Attribute
{
    /// <summary>At most <see cref="Environment.ProcessorCount"/> local workers.</summary>
    public StatelessWorkerAttribute()
        : this(0)
    {
    }

    /// <summary>At most <paramref name="maxLocalWorkers"/> local workers (0 or less: processor count).</summary>
    public StatelessWorkerAttribute(int maxLocalWorkers) => MaxLocalWorkers = maxLocalWorkers;

    /// <summary>The maximum number of local activations; 0 means processor count.</summary>
    public int MaxLocalWorkers { get; }
}

/// <summary>Per-class idle collection age override (minimum one second in this runtime).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CollectionAgeLimitAttribute : Attribute
{
    /// <summary>Age in minutes.</summary>
    public double Minutes { get; set; }

    /// <summary>Age in seconds (added to <see cref="Minutes"/>).</summary>
    public double Seconds { get; set; }

    /// <summary>Never collect.</summary>
    public bool AlwaysActive { get; set; }
}
