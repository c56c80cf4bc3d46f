namespace Marketplace.GrainInterfaces;

/// <summary>
/// A job's event history as a hash chain (<see cref="JobHistoryChain"/>): every line of the job's log with its
/// sequence number and the hash that commits to it and to every line before it. The body of
/// <c>GET /v1/jobs/{id}/history</c> and of the file <c>marketplace history --job ID --out FILE</c> writes.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.job-history")]
[Immutable]
public sealed class JobHistory
{
    /// <summary>The kind of the file.</summary>
    public const string HistoryKind = "job_history";

    /// <summary>The form (<see cref="HistoryKind"/>).</summary>
    [Id(0)] public string Kind { get; set; } = HistoryKind;

    /// <summary>The job.</summary>
    [Id(1)] public string JobId { get; set; } = "";

    /// <summary>The lines the job dropped to keep its log bounded (always the oldest after the first).</summary>
    [Id(2)] public long DroppedLines { get; set; }

    /// <summary>The hash of the last dropped line (32 bytes), which the first line after the gap chains from; null
    /// when none was dropped.</summary>
    [Id(3)] public byte[]? DroppedLastHash { get; set; }

    /// <summary>The kept lines, oldest first.</summary>
    [Id(4)] public List<JobHistoryEntry> Entries { get; set; } = [];

    /// <summary>The hash of the last line: the head a reader keeps to check a later history against.</summary>
    [Id(5)] public byte[] Head { get; set; } = [];
}

/// <summary>One line of a <see cref="JobHistory"/>.</summary>
[GenerateSerializer]
[Alias("marketplace.job-history-entry")]
[Immutable]
public sealed class JobHistoryEntry
{
    /// <summary>The line's number: 0 for the first, then one more per line ever written, dropped lines counted.</summary>
    [Id(0)] public long Sequence { get; set; }

    /// <summary>When.</summary>
    [Id(1)] public DateTimeOffset Timestamp { get; set; }

    /// <summary>trace, debug, info, warn or error.</summary>
    [Id(2)] public string Level { get; set; } = "";

    /// <summary>The text.</summary>
    [Id(3)] public string Message { get; set; } = "";

    /// <summary>The attempt (0 for lines outside attempts).</summary>
    [Id(4)] public int Attempt { get; set; }

    /// <summary><see cref="JobHistoryChain.EntryHash"/> of the line, chained to the one before (32 bytes).</summary>
    [Id(5)] public byte[] Hash { get; set; } = [];
}
