using Marketplace.GrainInterfaces;

namespace Marketplace.Chaos;

/// <summary>One job of the stream as the client saw it: when it was due, each try's silo and error, the job id every
/// accepting silo answered, and the job and its counter read back at the end.</summary>
internal sealed class SubmittedJob(int index, string requestId, DateTimeOffset due)
{
    public int Index { get; } = index;

    public string RequestId { get; } = requestId;

    /// <summary>The counter's name: the job's own state key.</summary>
    public string Counter => RequestId;

    public DateTimeOffset Due { get; } = due;

    public int Tries { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    /// <summary>When the last try was sent.</summary>
    public DateTimeOffset? LastTryAt { get; set; }

    public string? AcceptedBy { get; set; }

    /// <summary>Every distinct job id a silo answered for this request id (more than one is a split).</summary>
    public HashSet<string> JobIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Each refused try: "silo2: 503 unavailable" or "silo3: connection refused".</summary>
    public List<string> Refusals { get; } = [];

    /// <summary>Every try that got no answer within the client's try timeout: its silo and when it was sent.</summary>
    public List<(string Service, DateTimeOffset SentAt)> Unanswered { get; } = [];

    public JobInfo? Final { get; set; }

    /// <summary>How many times the job's state effect was applied (the counter read back).</summary>
    public long? Applied { get; set; }
}
