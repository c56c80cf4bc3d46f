namespace Marketplace.Grains.Jobs;

/// <summary>Where a job is in its lifecycle (<see cref="JobLifecycle"/>): its <see cref="GrainInterfaces.JobStatus"/>,
/// with <see cref="Verifying"/> told apart from <see cref="Running"/> (the wire shows both as <c>running</c>, with the
/// job's verification saying <c>verifying</c>).</summary>
internal enum JobPhase
{
    /// <summary>Waiting to be offered: submitted, backing off before a retry, or waiting for room or for its quota.</summary>
    Pending,

    /// <summary>Offered to the workers; collecting bids.</summary>
    Matching,

    /// <summary>Assigned to a worker, which runs it under a lease.</summary>
    Running,

    /// <summary>The executor reported a receipt and a committee drawn for the run re-executes it.</summary>
    Verifying,

    /// <summary>Terminal: the result was taken.</summary>
    Completed,

    /// <summary>Terminal: no retry left, or a failure no retry mends.</summary>
    Failed,

    /// <summary>Terminal: the client cancelled it.</summary>
    Cancelled,

    /// <summary>Terminal: its run passed its wall-clock limit.</summary>
    TimedOut,

    /// <summary>Terminal: its time to live passed before it finished.</summary>
    Expired,
}
