namespace Marketplace.Runtime;

/// <summary>A grain timer; dispose to stop it. Timers are disposed when the activation deactivates.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes the due time and period.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>How a grain timer ticks.</summary>
/// <remarks>
/// The next tick is scheduled only after the previous callback's task completed, so ticks never overlap themselves.
/// With <see cref="Interleave"/> false (default) a tick is a normal non-reentrant turn that waits for running requests;
/// with <see cref="KeepAlive"/> false (default) ticks do not reset the activation's idle time.
/// </remarks>
public readonly record struct GrainTimerCreationOptions
{
    /// <summary>Creates options with due time and period.</summary>
    public GrainTimerCreationOptions(TimeSpan dueTime, TimeSpan period)
    {
        DueTime = dueTime;
        Period = period;
    }

    /// <summary>Time before the first tick; <see cref="Timeout.InfiniteTimeSpan"/> disables the timer.</summary>
    public TimeSpan DueTime { get; init; }

    /// <summary>Time between the end of one tick and the start of the next; infinite for one tick only.</summary>
    public TimeSpan Period { get; init; }

    /// <summary>Ticks may interleave with requests.</summary>
    public bool Interleave { get; init; }

    /// <summary>Ticks count as activity for idle collection.</summary>
    public bool KeepAlive { get; init; }
}
