namespace Marketplace.GrainInterfaces;

/// <summary>
/// What a job in matching offers the online workers, one host at a time (<see cref="IWorkerHostGrain.OfferJobAsync"/>):
/// the requirements every worker is checked against before its host answers with <see cref="IJobAttemptGrain.BidsAsync"/>.
/// </summary>
/// <remarks>Never changed once sent ([Immutable]): Orleans passes it by reference between grains of one silo instead of
/// copying it.</remarks>
[GenerateSerializer]
[Alias("marketplace.job-announcement")]
[Immutable]
public sealed class JobAnnouncement
{
    /// <summary>The job.</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>The matching round (bids of older rounds are ignored).</summary>
    [Id(1)] public int Round { get; set; }

    /// <summary>The program to run.</summary>
    [Id(2)] public string ProgramId { get; set; } = "";

    /// <summary>The runtime the program needs (<c>wasm</c>).</summary>
    [Id(3)] public string Runtime { get; set; } = "wasm";

    /// <summary>Fuel budget of one attempt.</summary>
    [Id(4)] public long MaxFuel { get; set; }

    /// <summary>Memory limit of one attempt, bytes.</summary>
    [Id(5)] public long MaxMemoryBytes { get; set; }

    /// <summary>Wall-clock limit of one attempt, ms.</summary>
    [Id(6)] public long TimeoutMs { get; set; }

    /// <summary>Highest acceptable price per million fuel (0: any).</summary>
    [Id(7)] public long MaxPricePerMillionFuel { get; set; }

    /// <summary>Worker labels the job requires (key = label, value = required value; <c>region</c> included).</summary>
    [Id(8)] public Dictionary<string, string> Constraints { get; set; } = [];

    /// <summary>The client whose job this is (a worker keeps room in its queue for other clients).</summary>
    [Id(9)] public string ClientId { get; set; } = "";

    /// <summary>When the job was submitted: a worker with no room wakes the jobs of one client that wait for it in
    /// this order.</summary>
    [Id(10)] public DateTimeOffset SubmittedAt { get; set; }
}
