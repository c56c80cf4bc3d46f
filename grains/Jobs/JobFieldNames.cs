namespace Marketplace.Grains.Jobs;

/// <summary>How <see cref="JobSubmissionValidator"/> names the fields of a <see cref="GrainInterfaces.JobSubmission"/>
/// in its messages: as the contract's members (<see cref="Contract"/>: <c>maxFuel</c>) for grain clients, or as the JSON
/// paths of the HTTP API's wire format (<see cref="Wire"/>: <c>$.max_fuel</c>).</summary>
internal sealed class JobFieldNames
{
    private readonly string _prefix;

    private JobFieldNames(string prefix, string requestId, string program, string maxFuel, string maxMemoryBytes, string timeoutMs,
        string maxPricePerMillionFuel, string maxRetries, string ttlMs, string inputInline, string inputBlobId)
    {
        _prefix = prefix;
        RequestId = prefix + requestId;
        Program = prefix + program;
        MaxFuel = prefix + maxFuel;
        MaxMemoryBytes = prefix + maxMemoryBytes;
        TimeoutMs = prefix + timeoutMs;
        MaxPricePerMillionFuel = prefix + maxPricePerMillionFuel;
        MaxRetries = prefix + maxRetries;
        TtlMs = prefix + ttlMs;
        InputInline = prefix + inputInline;
        InputBlobId = prefix + inputBlobId;
        Labels = prefix + "labels";
        Constraints = prefix + "constraints";
        Args = prefix + "args";
        Env = prefix + "env";
        CommitteeSize = prefix + (prefix.Length == 0 ? "committeeSize" : "committee_size");
    }

    /// <summary>The contract's member names, for grain clients.</summary>
    public static JobFieldNames Contract { get; } = new("", "requestId", "program", "maxFuel", "maxMemoryBytes", "timeoutMs",
        "maxPricePerMillionFuel", "maxRetries", "ttlMs", "inputInline", "inputBlobId");

    /// <summary>The HTTP API's JSON paths (<c>MarketplaceJson</c> wire names).</summary>
    public static JobFieldNames Wire { get; } = new("$.", "request_id", "program", "max_fuel", "max_memory_bytes", "timeout_ms",
        "max_price_per_million_fuel", "max_retries", "ttl_ms", "input_base64", "input_blob_id");

    public string RequestId { get; }

    public string Program { get; }

    public string MaxFuel { get; }

    public string MaxMemoryBytes { get; }

    public string TimeoutMs { get; }

    public string MaxPricePerMillionFuel { get; }

    public string MaxRetries { get; }

    public string TtlMs { get; }

    public string InputInline { get; }

    public string InputBlobId { get; }

    public string Labels { get; }

    public string Constraints { get; }

    public string Args { get; }

    public string Env { get; }

    public string CommitteeSize { get; }

    /// <summary>A field's name without the JSON path prefix, for use inside a sentence.</summary>
    public string Bare(string name) => name.StartsWith(_prefix, StringComparison.Ordinal) ? name[_prefix.Length..] : name;
}
