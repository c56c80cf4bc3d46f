// Design: the gateway's call check exempts the silos' own hosted clients (the HTTP API's grain calls), which Orleans
// names "hosted-{silo}". A gateway client writing its own Orleans messages could claim that name, so a hosted client's
// calls must also carry this stamp: a random value every silo of the cluster shares (the cluster's database holds it
// in the PostgreSql mode; one silo's memory in the localhost mode). It never leaves the silos: it is stripped from
// every call a silo makes to a client.
using System.Security.Cryptography;
using Marketplace.Persistence.PostgreSql;
using Npgsql;

namespace Marketplace.Silo.Gateway;

/// <summary>The cluster's stamp on its own hosted clients' grain calls (<see cref="SiloCallStampFilter"/>).</summary>
internal sealed class SiloCallStamp
{
    /// <summary>The RequestContext key of the stamp.</summary>
    public const string Key = "marketplace-silo";

    /// <summary>Name of the stamp in the cluster's secrets table.</summary>
    public const string ClusterSecretName = "silo-call-stamp";

    private static readonly TimeSpan DatabaseWait = TimeSpan.FromSeconds(30);

    private readonly byte[] _bytes;

    private SiloCallStamp(string value)
    {
        Value = value;
        _bytes = System.Text.Encoding.ASCII.GetBytes(value);
    }

    /// <summary>The stamp.</summary>
    public string Value { get; }

    /// <summary>A stamp of this silo alone (the localhost mode has one silo).</summary>
    public static SiloCallStamp ForOneSilo() => new(NewValue());

    /// <summary>The cluster's stamp from its database, created by the first silo that finds none; waits up to 30 s for
    /// a database that does not answer yet.</summary>
    /// <exception cref="NpgsqlException">The database did not answer for 30 s.</exception>
    public static SiloCallStamp ForCluster(string connectionString) =>
        new(PostgreSqlClusterSecrets.GetOrCreateWaiting(connectionString, ClusterSecretName, NewValue(), DatabaseWait).Value);

    /// <summary>True when <paramref name="presented"/> is the stamp (fixed-time comparison).</summary>
    public bool Matches(string? presented) =>
        presented is not null && presented.Length == Value.Length
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(presented), _bytes);

    private static string NewValue() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
