using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Api;

/// <summary>Options of the HTTP API, section <c>Marketplace:Api</c> (keys are read by <see cref="ApiKeyRegistry"/>).</summary>
internal sealed class ApiOptions
{
    /// <summary>Largest JSON request body (a deploy carries the module in base64): 16 MiB.</summary>
    public long MaxJsonBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Largest blob upload; from <c>Marketplace:Blobs:MaxBlobBytes</c> (default 1 GiB).</summary>
    public long MaxBlobBytes { get; set; } = BlobLimits.DefaultMaxBlobBytes;

    /// <summary>How long the readiness probe waits for its grain call.</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the silo may spend, before its HTTP listener opens, sending a few requests through its own
    /// pipeline in memory (<see cref="WarmStartServer"/>), so the first clients of a silo that starts or restarts are
    /// not the ones who wait for the endpoints to be built and the JIT to compile them (default 10 s; zero turns it
    /// off).</summary>
    public TimeSpan WarmStartTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Client ids whose API keys may move money in (deposits to any client), bond, unbond or pay out worker
    /// stake, and back up the silo's database (<c>Marketplace:Api:Operators:0=...</c>; default none). Slashing has no
    /// route.</summary>
    public List<string> Operators { get; set; } = [];

    /// <summary>Whether the development client <c>dev</c> is an operator when the silo runs embedded
    /// (<c>Localhost</c> cluster mode) on its generated development key and no operators are listed (default true), so
    /// the quick start's key opens the marketplace dashboard and funds clients. Development only: a silo given its own
    /// keys (<c>Marketplace:Api:Keys</c>) has no development key, and a cluster lists its operators.</summary>
    public bool DevelopmentKeyIsOperator { get; set; } = true;
}
