namespace Marketplace.Grains.Workers;

/// <summary>
/// One worker a silo hosts, bound from the list <c>Marketplace:Workers</c> (e.g. <c>Marketplace:Workers:0:Id=w1</c>,
/// <c>Marketplace:Workers:0:Labels:region=eu</c>). When the list is empty and <see cref="Jobs.JobsOptions.DefaultWorkers"/>
/// is above zero, the silo hosts that many default workers (<c>w1</c>, <c>w2</c>, ...).
/// </summary>
internal sealed class WorkerOptions
{
    /// <summary>The worker id (letters, digits, <c>-_.</c>; 1-64 chars). Keep it stable: the BLS key is stored under it.</summary>
    public string Id { get; set; } = "";

    /// <summary>Runtimes it runs (default <c>wasm</c>).</summary>
    public List<string> Runtimes { get; set; } = [];

    /// <summary>Largest fuel budget it accepts (default 500,000,000).</summary>
    public long MaxFuel { get; set; } = GrainInterfaces.JobLimits.MaxFuel;

    /// <summary>Largest memory limit it grants, bytes (default 512 MiB).</summary>
    public long MaxMemoryBytes { get; set; } = GrainInterfaces.JobLimits.MaxMemoryBytes;

    /// <summary>Price per million fuel (default 1).</summary>
    public long PricePerMillionFuel { get; set; } = 1;

    /// <summary>Labels, <c>region</c> among them (default <c>region=local</c>).</summary>
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>Runs executed at once (default 2).</summary>
    public int Capacity { get; set; } = 2;

    /// <summary>Assigned runs queued beyond <see cref="Capacity"/> before the worker stops bidding (default 16).</summary>
    public int MaxQueueDepth { get; set; } = 16;

    /// <summary>Runs of one client the worker queues while no slot is free (default 0: a quarter of
    /// <see cref="MaxQueueDepth"/>, at least 1), so one client's backlog leaves room for others.</summary>
    public int MaxQueuedPerClient { get; set; }

    /// <summary>The effective <see cref="MaxQueuedPerClient"/>.</summary>
    internal int QueuedPerClientLimit => MaxQueuedPerClient > 0 ? MaxQueuedPerClient : Math.Max(1, (MaxQueueDepth + 3) / 4);
}
