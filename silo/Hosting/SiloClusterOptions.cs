namespace Marketplace.Silo.Hosting;

/// <summary>
/// Where the silo runs and which cluster it belongs to (configuration section <c>Marketplace:Cluster</c>; bind from
/// appsettings.json, environment <c>Marketplace__Cluster__Mode=PostgreSql</c> or the command line
/// <c>--Marketplace:Cluster:Mode=PostgreSql</c>).
/// </summary>
public sealed class SiloClusterOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Cluster";

    /// <summary>Localhost (the default) or PostgreSql.</summary>
    public ClusterMode Mode { get; set; } = ClusterMode.Localhost;

    /// <summary>Orleans cluster id: silos and clients of one cluster share it. Default <c>dev</c>.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>Orleans service id: keys grain state and reminders, so it stays the same across deployments of one
    /// marketplace. Default <c>marketplace</c>.</summary>
    public string ServiceId { get; set; } = "marketplace";

    /// <summary>Port for silo-to-silo traffic. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port of the grain gateway that operators' own services (the grain client of sdk/, the CLI's gateway
    /// mode) connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address the silo and gateway listen on and advertise to the cluster. Default <c>127.0.0.1</c>: the gateway
    /// is the operators' trusted boundary (Orleans clients are not authenticated), so it stays on loopback unless the
    /// operator names a private address here. In <see cref="ClusterMode.Localhost"/> mode it must be a loopback
    /// address.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The Npgsql connection string of the cluster database (<see cref="ClusterMode.PostgreSql"/> only).</summary>
    public string? PostgreSqlConnectionString { get; set; }
}
