namespace Marketplace.GrainInterfaces;

/// <summary>One attempt of a job handed to the winning worker (<see cref="IWorkerGrain.AssignAsync"/>).</summary>
/// <remarks>Never changed once sent ([Immutable]): Orleans passes it by reference between grains of one silo instead of
/// copying it.</remarks>
[GenerateSerializer]
[Alias("marketplace.job-assignment")]
[Immutable]
public sealed class JobAssignment
{
    /// <summary>The job.</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>Unique token of this attempt; reports and lease renewals carry it, a stale one is ignored.</summary>
    [Id(1)] public string AttemptId { get; set; } = "";

    /// <summary>The attempt number (1-based).</summary>
    [Id(2)] public int Attempt { get; set; }

    /// <summary>The program to run.</summary>
    [Id(3)] public string ProgramId { get; set; } = "";

    /// <summary>Input as a stored blob (exclusive with <see cref="InputInline"/>).</summary>
    [Id(4)] public string? InputBlobId { get; set; }

    /// <summary>Input bytes carried inline.</summary>
    [Id(5)] public byte[]? InputInline { get; set; }

    /// <summary>Fuel budget.</summary>
    [Id(6)] public long MaxFuel { get; set; }

    /// <summary>Memory limit, bytes.</summary>
    [Id(7)] public long MaxMemoryBytes { get; set; }

    /// <summary>Wall-clock limit, ms.</summary>
    [Id(8)] public long TimeoutMs { get; set; }

    /// <summary>W3C <c>traceparent</c> of the job's submit (null: none); the worker's run span joins that trace even
    /// when the attempt starts from a timer, after a retry or on another silo.</summary>
    [Id(9)] public string? TraceParent { get; set; }

    /// <summary>W3C <c>tracestate</c> that goes with <see cref="TraceParent"/>.</summary>
    [Id(10)] public string? TraceState { get; set; }

    /// <summary>WASI programs: <c>argv[1..]</c> (from <see cref="JobSubmission.Args"/>).</summary>
    [Id(11)] public List<string> Args { get; set; } = [];

    /// <summary>WASI programs: the environment (from <see cref="JobSubmission.Env"/>).</summary>
    [Id(12)] public Dictionary<string, string> Env { get; set; } = [];

    /// <summary>The job's creation time: a WASI program's logical <c>CLOCK_REALTIME</c> starts here on every attempt.</summary>
    [Id(13)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The job's client: the worker queues attempts fairly across clients and stores the output on the client's behalf, so the client owns the output blob.</summary>
    [Id(14)] public string ClientId { get; set; } = "";

    /// <summary>Committee re-executions: the program state's root the executor's run read (its receipt's state root
    /// in, 64 hex). The member runs against the state at that root and commits nothing; null for an attempt.</summary>
    [Id(15)] public string? StateRoot { get; set; }

    /// <summary>The storage deal that stores <see cref="InputBlobId"/> when the chunk store does not: the worker reads
    /// the input through the deal's decoder, every chunk checked against the deal's fragment roots.</summary>
    [Id(16)] public string? InputDealId { get; set; }

    /// <summary>This run again as request <paramref name="attemptId"/> against state root
    /// <paramref name="stateRoot"/>: how a committee member gets the run it re-executes.</summary>
    public JobAssignment ForAttempt(string attemptId, string? stateRoot) => new()
    {
        JobId = JobId,
        AttemptId = attemptId,
        Attempt = Attempt,
        ProgramId = ProgramId,
        InputBlobId = InputBlobId,
        InputInline = InputInline,
        MaxFuel = MaxFuel,
        MaxMemoryBytes = MaxMemoryBytes,
        TimeoutMs = TimeoutMs,
        TraceParent = TraceParent,
        TraceState = TraceState,
        Args = Args,
        Env = Env,
        CreatedAt = CreatedAt,
        ClientId = ClientId,
        StateRoot = stateRoot,
        InputDealId = InputDealId,
    };
}
