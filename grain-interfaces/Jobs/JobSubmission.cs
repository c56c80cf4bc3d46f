namespace Marketplace.GrainInterfaces;

/// <summary>What a client asks for. Zero limits mean "the program manifest's value".</summary>
/// <remarks>Never changed once sent ([Immutable]): Orleans passes it by reference between grains of one silo instead of
/// copying it.</remarks>
[GenerateSerializer]
[Alias("marketplace.job-submission")]
[Immutable]
public sealed class JobSubmission
{
    /// <summary>The submitting client (from its API key or client options).</summary>
    [Id(0)]
    public string ClientId { get; set; } = "";

    /// <summary>Idempotency key chosen by the client (optional).</summary>
    [Id(1)]
    public string? RequestId { get; set; }

    /// <summary>The program: an id, <c>name@version</c>, <c>name@latest</c> or a bare name.</summary>
    [Id(2)]
    public string Program { get; set; } = "";

    /// <summary>Input as a stored blob (exclusive with <see cref="InputInline"/>).</summary>
    [Id(3)]
    public string? InputBlobId { get; set; }

    /// <summary>Input bytes carried in the request (at most <see cref="JobLimits.MaxInlineInputBytes"/>).</summary>
    [Id(4)]
    public byte[]? InputInline { get; set; }

    /// <summary>Fuel budget (0: the manifest's).</summary>
    [Id(5)]
    public long MaxFuel { get; set; }

    /// <summary>Highest acceptable price per million fuel, in price units (0: any price).</summary>
    [Id(6)]
    public long MaxPricePerMillionFuel { get; set; }

    /// <summary>Wall-clock limit of one attempt in ms (0: the manifest's).</summary>
    [Id(7)]
    public long TimeoutMs { get; set; }

    /// <summary>Retries after a failed attempt (default 3).</summary>
    [Id(8)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Time to live while not started, ms (0: no expiry): a job not started by then becomes expired.</summary>
    [Id(9)]
    public long TtlMs { get; set; }

    /// <summary>Free-form labels recorded with the job.</summary>
    [Id(10)]
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>Constraints on workers: each key must be a worker label with this value (<c>region</c> included).</summary>
    [Id(11)]
    public Dictionary<string, string> Constraints { get; set; } = [];

    /// <summary>Memory limit in bytes (0: the manifest's).</summary>
    [Id(12)]
    public long MaxMemoryBytes { get; set; }

    /// <summary>Arguments of a WASI program, <c>argv[1..]</c> in order (argv[0] is the program's name); ONVM
    /// programs ignore them. At most <see cref="JobLimits.MaxArgs"/>, each at most
    /// <see cref="JobLimits.MaxArgOrEnvBytes"/> bytes of UTF-8, no NUL.</summary>
    [Id(13)]
    public List<string> Args { get; set; } = [];

    /// <summary>Environment of a WASI program, seen as <c>KEY=VALUE</c> in ordinal key order; ONVM programs ignore
    /// it. At most <see cref="JobLimits.MaxEnvEntries"/> entries; keys non-empty without <c>=</c>; no NUL; each
    /// <c>KEY=VALUE</c> at most <see cref="JobLimits.MaxArgOrEnvBytes"/> bytes of UTF-8.</summary>
    [Id(14)]
    public Dictionary<string, string> Env { get; set; } = [];

    /// <summary>How many other workers re-execute the run and sign the receipt they agree with (0: none; null: the
    /// silo's <c>Marketplace:Jobs:DefaultCommitteeSize</c>). At most <see cref="JobLimits.MaxCommitteeSize"/>. Fewer
    /// are drawn when fewer other workers are online; with none the job completes unverified.</summary>
    [Id(15)]
    public int? CommitteeSize { get; set; }
}
