namespace Marketplace.GrainInterfaces;

/// <summary>A worker's answer to a <see cref="JobAnnouncement"/>: a bid, or a decline with the reason.</summary>
/// <remarks>Never changed once sent ([Immutable]): Orleans passes it by reference between grains of one silo instead of
/// copying it.</remarks>
[GenerateSerializer]
[Alias("marketplace.worker-bid")]
[Immutable]
public sealed class WorkerBid
{
    /// <summary>The answering worker.</summary>
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>The matching round answered.</summary>
    [Id(1)] public int Round { get; set; }

    /// <summary>True for a bid, false for a decline (<see cref="DeclineReason"/> says why).</summary>
    [Id(2)] public bool Eligible { get; set; }

    /// <summary>Why the worker cannot take the job, e.g. "needs 2 GiB memory, worker w3 offers 1 GiB".</summary>
    [Id(3)] public string? DeclineReason { get; set; }

    /// <summary>The asked price per million fuel.</summary>
    [Id(4)] public long PricePerMillionFuel { get; set; }

    /// <summary>The worker's reputation in [0, 1].</summary>
    [Id(5)] public double Reputation { get; set; }

    /// <summary>Runs executing now.</summary>
    [Id(6)] public int Running { get; set; }

    /// <summary>Runs waiting in its queue.</summary>
    [Id(7)] public int Queued { get; set; }

    /// <summary>Runs it executes at once.</summary>
    [Id(8)] public int Capacity { get; set; }

    /// <summary>Runs it queues beyond <see cref="Capacity"/>.</summary>
    [Id(9)] public int MaxQueueDepth { get; set; }

    /// <summary>Declined only for lack of room (full, or holding the client's share of its queue): the worker would
    /// take the job later, so the job waits for room instead of failing.</summary>
    [Id(10)] public bool Busy { get; set; }
}
