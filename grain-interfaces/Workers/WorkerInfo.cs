namespace Marketplace.GrainInterfaces;

/// <summary>What a worker offers.</summary>
[GenerateSerializer]
[Alias("marketplace.worker-capabilities")]
public sealed class WorkerCapabilities
{
    /// <summary>Runtimes it runs, e.g. <c>wasm</c>.</summary>
    [Id(0)] public List<string> Runtimes { get; set; } = ["wasm"];

    /// <summary>Largest fuel budget it accepts.</summary>
    [Id(1)] public long MaxFuel { get; set; } = JobLimits.MaxFuel;

    /// <summary>Largest memory limit it grants, bytes.</summary>
    [Id(2)] public long MaxMemoryBytes { get; set; } = JobLimits.MaxMemoryBytes;

    /// <summary>Price per million fuel, in price units.</summary>
    [Id(3)] public long PricePerMillionFuel { get; set; }

    /// <summary>Labels, <c>region</c> among them.</summary>
    [Id(4)] public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>Runs it executes at once.</summary>
    [Id(5)] public int Capacity { get; set; } = 1;

    /// <summary>Assigned runs it queues beyond <see cref="Capacity"/> before it stops bidding.</summary>
    [Id(6)] public int MaxQueueDepth { get; set; } = 16;
}

/// <summary>A worker as the directory and the API show it.</summary>
[GenerateSerializer]
[Alias("marketplace.worker-info")]
public sealed class WorkerInfo
{
    /// <summary>The worker id.</summary>
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>Its capabilities.</summary>
    [Id(1)] public WorkerCapabilities Capabilities { get; set; } = new();

    /// <summary>Its BLS12-381 public key (G1, 48 bytes compressed), hex.</summary>
    [Id(2)] public string BlsPublicKey { get; set; } = "";

    /// <summary>Runs executing now.</summary>
    [Id(3)] public int Running { get; set; }

    /// <summary>Runs assigned and waiting.</summary>
    [Id(4)] public int Queued { get; set; }

    /// <summary>Last heartbeat.</summary>
    [Id(5)] public DateTimeOffset LastHeartbeat { get; set; }

    /// <summary>True while heartbeats are fresh.</summary>
    [Id(6)] public bool Online { get; set; }

    /// <summary>Reputation score in [0, 1] used by matching, as the worker last heard it from its
    /// <see cref="IReputationGrain"/> (<c>GET /v1/workers/{id}/reputation</c> has the details).</summary>
    [Id(7)] public double Reputation { get; set; }

    /// <summary>Attempts completed successfully.</summary>
    [Id(8)] public long Completed { get; set; }

    /// <summary>Attempts that failed on this worker's side (lost, crashed).</summary>
    [Id(9)] public long Failed { get; set; }

    /// <summary>The worker host (its silo's <see cref="IWorkerHostGrain"/> key) that bids for it and runs its jobs.</summary>
    [Id(10)] public string HostId { get; set; } = "";

    /// <summary>The address of the silo that hosts the worker (its executor and bids), as Orleans writes it; empty
    /// when the worker's grain answers away from its silo (that silo is gone).</summary>
    [Id(11)] public string Silo { get; set; } = "";
}
