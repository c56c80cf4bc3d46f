namespace Marketplace.GrainInterfaces.Json;

/// <summary>Body of <c>GET /v1/jobs</c>: a page of the caller's jobs, newest first.</summary>
public sealed class JobList
{
    /// <summary>The jobs.</summary>
    public List<JobSummary> Jobs { get; set; } = [];

    /// <summary>The cursor of the next page; null on the last page.</summary>
    public string? NextCursor { get; set; }
}

/// <summary>Body of <c>GET /v1/jobs/{id}/logs</c>: a page of a job's log.</summary>
public sealed class JobLogList
{
    /// <summary>The log lines, oldest first.</summary>
    public List<JobLogEntry> Logs { get; set; } = [];

    /// <summary>The cursor of the next page; null on the last page.</summary>
    public string? NextCursor { get; set; }
}

/// <summary>Body of <c>GET /v1/programs</c> and <c>GET /v1/programs/{name}/versions</c>: a page of the catalog.</summary>
public sealed class ProgramList
{
    /// <summary>Deployed programs, by name then version.</summary>
    public List<ProgramInfo> Programs { get; set; } = [];

    /// <summary>The cursor of the next page; null on the last page.</summary>
    public string? NextCursor { get; set; }
}

/// <summary>Body of <c>GET /v1/workers</c>: a page of the workers, by id.</summary>
public sealed class WorkerList
{
    /// <summary>Known workers.</summary>
    public List<WorkerInfo> Workers { get; set; } = [];

    /// <summary>The cursor of the next page; null on the last page.</summary>
    public string? NextCursor { get; set; }
}

/// <summary>Body of <c>GET /v1/workers/{id}/reputation/events</c>: a page of a worker's kept reputation events,
/// oldest first.</summary>
public sealed class ReputationEventList
{
    /// <summary>The events.</summary>
    public List<ReputationEvent> Events { get; set; } = [];

    /// <summary>The cursor of the next page; null on the last page.</summary>
    public string? NextCursor { get; set; }
}

/// <summary>Body of <c>GET /v1/client</c>: who the API key belongs to.</summary>
public sealed class ClientIdentity
{
    /// <summary>The client id jobs are submitted and listed under.</summary>
    public string ClientId { get; set; } = "";
}

/// <summary>Body of <c>POST /v1/blobs/{id}/share</c>: the client to share the blob with.</summary>
public sealed class BlobShareRequest
{
    /// <summary>The client id that may read the blob from now on (see <see cref="ClientIds"/>).</summary>
    public required string ClientId { get; set; }
}

/// <summary>Body of <c>GET /v1/health</c> and <c>GET /v1/health/ready</c>.</summary>
public sealed class HealthReport
{
    /// <summary><c>alive</c>, <c>ready</c> or <c>not_ready</c>.</summary>
    public string Status { get; set; } = "";

    /// <summary>Each check by name with <c>ok</c> or what failed.</summary>
    public Dictionary<string, string> Checks { get; set; } = [];
}
