using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Api;

/// <summary>One request of the warm start.</summary>
internal sealed record WarmStartRequest(string Method, string Path, string? Body = null)
{
    /// <summary>A program id and a blob id no content hashes to (all zeros): the submission is refused at its input's
    /// lookup, after the program's, before anything is reserved or written.</summary>
    private const string Zeros = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The requests, in order: the public health routes, then as the warm-start client a job listing, a
    /// submission refused for its missing input blob, and a read of that job, which does not exist.</summary>
    public static IReadOnlyList<WarmStartRequest> All { get; } =
    [
        new("GET", "/v1/health"),
        new("GET", "/v1/health/ready"),
        new("GET", "/v1/jobs?limit=1"),
        new("POST", "/v1/jobs", $$"""{"request_id":"warm-start","program":"prog{{Zeros}}","input_blob_id":"blob{{Zeros}}","max_fuel":1000}"""),
        new("GET", $"/v1/jobs/{JobIds.For(WarmStartClient.ClientId, "warm-start")}"),
    ];
}
