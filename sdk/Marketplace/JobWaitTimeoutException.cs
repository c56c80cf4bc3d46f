using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <summary>
/// <see cref="MarketplaceClientExtensions.WaitForJobAsync"/> gave up: the job was still not terminal when the wait's
/// timeout passed. The job itself keeps going; <see cref="LastSeen"/> is its last observed state.
/// </summary>
public sealed class JobWaitTimeoutException : TimeoutException
{
    /// <summary>Creates the error.</summary>
    public JobWaitTimeoutException(JobInfo lastSeen, TimeSpan timeout)
        : base($"Job {lastSeen?.JobId} is still {(lastSeen is null ? "" : lastSeen.Status.ToWireName())} after {timeout.TotalSeconds:0.###} s.")
    {
        ArgumentNullException.ThrowIfNull(lastSeen);
        LastSeen = lastSeen;
        Timeout = timeout;
    }

    /// <summary>The job as last seen.</summary>
    public JobInfo LastSeen { get; }

    /// <summary>How long the wait lasted.</summary>
    public TimeSpan Timeout { get; }
}
