// Design: the one table of what the compose-drift test translates to run docker-compose.yml as local processes, and
// nothing else is changed. Every service key, environment key, command argument and health check of the file must
// match a row here; anything else fails the plan, naming the service and the key, so the compose file cannot say
// something that was not run.
//
// | compose                                   | local                                                              |
// |-------------------------------------------|--------------------------------------------------------------------|
// | image postgres:*                          | the server of $MARKETPLACE_POSTGRES, a fresh database per run; its  |
// |                                           | POSTGRES_USER/PASSWORD/DB are what the silos' connection string    |
// |                                           | must name (checked), replaced by the server's own credentials      |
// | build target `anvil` (ENTRYPOINT anvil)   | the npm anvil binary (MARKETPLACE_ANVIL), same arguments           |
// | build target `silo` / `cli` (dotnet X.dll)| `dotnet exec` of the silo / CLI build output                       |
// | ENV, WORKDIR, VOLUME, HEALTHCHECK of the  | taken from the Dockerfile stage, translated like compose's own     |
// |   stage                                   |                                                                    |
// | a listening port (SiloPort, GatewayPort,  | a free loopback port per service and container port               |
// |   Http:Urls, anvil --port)                |                                                                    |
// | a listening address (0.0.0.0, the         | 127.0.0.1 (the network address must be the service's ipv4_address)|
// |   service's ipv4_address)                 |                                                                    |
// | http://service:port                       | http://127.0.0.1:<that service's local port>; the service must be  |
// |                                           | a dependency (depends_on, transitively)                            |
// | a container path                          | the same path below the local folder of the volume mounted there   |
// |                                           | (named volume: one folder shared by every service mounting it;     |
// |                                           | VOLUME without a mount: a folder per service); other paths fail    |
// | health checks pg_isready / bash /dev/tcp  | a connection to the database / a TCP connect / an HTTP GET         |
// |   / curl -fsS URL                         |                                                                    |
// | depends_on conditions                     | honoured: started, healthy (the probe), completed_successfully     |
// |                                           | (exit code 0)                                                      |
// | restart, networks, ports, profiles, build | restart: none (an exit fails the test); networks: loopback; ports: |
// |                                           | checked to name a port the service listens on; profiles: not       |
// |                                           | started (bind-mounted files checked); build: the stage             |
// | stop_grace_period                         | none: the test ends its processes itself                           |
// | added for the test only                   | Marketplace__ParentProcessId (a silo stops when the test dies)     |
using System.Text.RegularExpressions;

namespace Marketplace.Compose.Tests;

/// <summary>What a compose service runs as here.</summary>
internal enum LocalKind
{
    /// <summary>A database on the local PostgreSQL server.</summary>
    Postgres,

    /// <summary>The anvil binary.</summary>
    Anvil,

    /// <summary>The silo build output under <c>dotnet exec</c>.</summary>
    Silo,

    /// <summary>The CLI build output under <c>dotnet exec</c>.</summary>
    Cli,
}

/// <summary>How one environment value or argument value is translated.</summary>
internal enum ValueRule
{
    /// <summary>Passed as written.</summary>
    Verbatim,

    /// <summary>A port the process listens on: a free local port.</summary>
    ListenPort,

    /// <summary>A listening address (0.0.0.0 or the service's network address): 127.0.0.1.</summary>
    ListenAddress,

    /// <summary><c>http://host:port</c> URLs to listen on: 127.0.0.1 and a free local port.</summary>
    ListenUrls,

    /// <summary><c>http://service:port</c> of another service: 127.0.0.1 and its local port.</summary>
    ServiceUrl,

    /// <summary>A path inside the container: below the local folder of the volume mounted there.</summary>
    ContainerPath,

    /// <summary>A Npgsql connection string naming the PostgreSQL service: the local server's fresh database.</summary>
    PostgresConnection,

    /// <summary>The PostgreSQL image's own settings (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB).</summary>
    PostgresServer,

    /// <summary>A switch without a value.</summary>
    Flag,

    /// <summary>A word of a command (<c>chain deploy</c>).</summary>
    Word,

    /// <summary>A .NET runtime switch the image sets for its precompiled build (<c>DOTNET_TieredCompilation</c>):
    /// checked to be 0 or 1 and not passed on, since the local processes run the SDK's own build.</summary>
    RuntimeSwitch,
}

/// <summary>The table (see the file's opening comment).</summary>
internal static partial class ComposeTranslation
{
    /// <summary>Service keys the translation knows, with what it does with each.</summary>
    public static readonly IReadOnlyDictionary<string, string> ServiceKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["image"] = "postgres:* is the local server; a built image is its build target",
        ["build"] = "the Dockerfile stage (target) gives the entry point, ENV, WORKDIR, VOLUME, HEALTHCHECK",
        ["command"] = "translated argument by argument",
        ["environment"] = "translated key by key",
        ["depends_on"] = "honoured in order and condition",
        ["volumes"] = "local folders",
        ["ports"] = "checked to name a port the service listens on",
        ["networks"] = "loopback; ipv4_address is checked against Marketplace__Cluster__Address",
        ["healthcheck"] = "translated to a local probe",
        ["restart"] = "none: a process that exits early fails the test",
        ["stop_grace_period"] = "none: the test ends its processes itself",
        ["profiles"] = "services with a profile are not started",
    };

    /// <summary>Environment keys, indexed parts written <c>{n}</c>.</summary>
    public static readonly IReadOnlyDictionary<string, ValueRule> EnvironmentKeys = new Dictionary<string, ValueRule>(StringComparer.Ordinal)
    {
        ["Marketplace__Cluster__Mode"] = ValueRule.Verbatim,
        ["Marketplace__Cluster__ClusterId"] = ValueRule.Verbatim,
        ["Marketplace__Cluster__ServiceId"] = ValueRule.Verbatim,
        ["Marketplace__Cluster__PostgreSqlConnectionString"] = ValueRule.PostgresConnection,
        ["Marketplace__Cluster__SiloPort"] = ValueRule.ListenPort,
        ["Marketplace__Cluster__GatewayPort"] = ValueRule.ListenPort,
        ["Marketplace__Cluster__Address"] = ValueRule.ListenAddress,
        ["Marketplace__Http__Urls"] = ValueRule.ListenUrls,
        ["Marketplace__DataFolder"] = ValueRule.ContainerPath,
        ["Marketplace__Api__DevKeyFile"] = ValueRule.ContainerPath,
        ["Marketplace__Api__Operators__{n}"] = ValueRule.Verbatim,
        ["Marketplace__Jobs__DefaultWorkerPrefix"] = ValueRule.Verbatim,
        ["Marketplace__Storage__DefaultProviders"] = ValueRule.Verbatim,
        ["Marketplace__Storage__DefaultProviderPrefix"] = ValueRule.Verbatim,
        ["DOTNET_TieredCompilation"] = ValueRule.RuntimeSwitch,
        ["POSTGRES_USER"] = ValueRule.PostgresServer,
        ["POSTGRES_PASSWORD"] = ValueRule.PostgresServer,
        ["POSTGRES_DB"] = ValueRule.PostgresServer,
    };

    /// <summary>Arguments of each program (entry point arguments and command alike).</summary>
    public static readonly IReadOnlyDictionary<LocalKind, IReadOnlyDictionary<string, ValueRule>> Arguments =
        new Dictionary<LocalKind, IReadOnlyDictionary<string, ValueRule>>
        {
            [LocalKind.Silo] = new Dictionary<string, ValueRule>(StringComparer.Ordinal)
            {
                ["--config"] = ValueRule.ContainerPath,
                ["--chain"] = ValueRule.ServiceUrl,
                ["--apply-schema"] = ValueRule.Flag,
            },
            [LocalKind.Cli] = new Dictionary<string, ValueRule>(StringComparer.Ordinal)
            {
                ["chain"] = ValueRule.Word,
                ["deploy"] = ValueRule.Word,
                ["--rpc"] = ValueRule.ServiceUrl,
                ["--chain-id"] = ValueRule.Verbatim,
                ["--key-file"] = ValueRule.ContainerPath,
                ["--out"] = ValueRule.ContainerPath,
                ["--new-key"] = ValueRule.Flag,
                ["--fund-dev"] = ValueRule.Flag,
                ["--force"] = ValueRule.Flag,
                ["--keep-deployed"] = ValueRule.Flag,
                ["--minimum-stake"] = ValueRule.Verbatim,
                ["--unstake-delay-seconds"] = ValueRule.Verbatim,
            },
            [LocalKind.Anvil] = new Dictionary<string, ValueRule>(StringComparer.Ordinal)
            {
                ["--host"] = ValueRule.ListenAddress,
                ["--port"] = ValueRule.ListenPort,
                ["--chain-id"] = ValueRule.Verbatim,
            },
            [LocalKind.Postgres] = new Dictionary<string, ValueRule>(StringComparer.Ordinal),
        };

    /// <summary>The dotnet entry points: the file the image runs → the local build output's file name.</summary>
    public static readonly IReadOnlyDictionary<string, LocalKind> DotnetEntrypoints = new Dictionary<string, LocalKind>(StringComparer.Ordinal)
    {
        ["Marketplace.Silo.dll"] = LocalKind.Silo,
        ["marketplace.dll"] = LocalKind.Cli,
    };

    /// <summary>Where the anvil image's entry point lives below its WORKDIR (the npm package's binary).</summary>
    public const string AnvilEntrypointSuffix = "/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

    /// <summary>The PostgreSQL image's port inside its container.</summary>
    public const int PostgresPort = 5432;

    /// <summary>The environment key's row in <see cref="EnvironmentKeys"/> (indexes written <c>{n}</c>).</summary>
    public static string RowOf(string key) => Index().Replace(key, "__{n}");

    [GeneratedRegex(@"__[0-9]+(?=__|$)")]
    private static partial Regex Index();
}
