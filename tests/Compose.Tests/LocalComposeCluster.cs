// Design: runs a ComposePlan the way `docker-compose up` runs the file: services in depends_on order, each waiting for
// its dependencies' conditions (started; healthy: the translated health check answers; completed_successfully: the
// one-shot process exited 0), then every service with a health check healthy. Waits are on the events themselves
// (a probe answering, a process exiting) within a generous bound for a loaded 2-core machine; a process that exits
// early fails the start with its log's tail. MARKETPLACE_TEST_KEEP=1 keeps the database and the folders.
using System.Diagnostics;
using System.Net.Sockets;
using Marketplace.Chain.Development;
using Marketplace.TestSupport;
using Npgsql;

namespace Marketplace.Compose.Tests;

/// <summary>The compose file's services running as local processes.</summary>
internal sealed class LocalComposeCluster : IAsyncDisposable
{
    /// <summary>Bound on any one wait (a service healthy, a one-shot finished).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    private readonly Dictionary<string, LocalProcess> _processes = new(StringComparer.Ordinal);
    private readonly string _server;
    private readonly string _database;
    private readonly Action<string> _log;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _databaseCreated;

    private LocalComposeCluster(ComposePlan plan, string root, string server, string database, Action<string> log)
    {
        Plan = plan;
        Root = root;
        _server = server;
        _database = database;
        _log = log;
    }

    /// <summary>The plan it runs.</summary>
    public ComposePlan Plan { get; }

    /// <summary>Its temporary folder (volumes, working folders, logs).</summary>
    public string Root { get; }

    /// <summary>The repository's docker-compose.yml.</summary>
    public static string ComposePath => Path.Combine(SharedData.RepositoryRoot, "docker-compose.yml");

    /// <summary>The repository's Dockerfile.</summary>
    public static string DockerfilePath => Path.Combine(SharedData.RepositoryRoot, "Dockerfile");

    /// <summary>Plans the repository's compose file against <paramref name="targets"/> (nothing starts).</summary>
    public static ComposePlan PlanRepository(LocalTargets targets, Action<string>? log = null)
    {
        var compose = ComposeFile.Load(ComposePath);
        log?.Invoke($"[compose] read {compose.Source}");
        return ComposePlan.Create(compose, DockerfileStages.Load(DockerfilePath), targets);
    }

    /// <summary>Local targets on <paramref name="server"/> with a fresh database name and temp folder.</summary>
    public static LocalTargets Targets(string server)
    {
        var database = $"mkt_compose_{Guid.NewGuid():N}"[..40];
        var root = Path.Combine(Path.GetTempPath(), "marketplace-compose-tests", database);
        return new LocalTargets(root, server, database, BuildOutput.Silo, BuildOutput.Cli,
            AnvilBinary.Find() ?? throw new FileNotFoundException($"anvil not found: {AnvilBinary.Describe()}"), FreeTcpPorts.Next);
    }

    /// <summary>Plans and starts the repository's compose file on the PostgreSQL of <c>MARKETPLACE_POSTGRES</c>.</summary>
    public static async Task<LocalComposeCluster> StartAsync(Action<string> log)
    {
        var server = ExternalService.Require(PostgresFactAttribute.Variable);
        var targets = Targets(server);
        var plan = PlanRepository(targets, log);
        var cluster = new LocalComposeCluster(plan, targets.Root, server, targets.Database, log);
        try
        {
            await cluster.RunAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.Values.Reverse())
        {
            await process.DisposeAsync();
        }

        if (System.Environment.GetEnvironmentVariable("MARKETPLACE_TEST_KEEP") == "1")
        {
            _log($"[compose] kept database {_database} and the folders (logs under {Path.Combine(Root, "logs")})");
            return;
        }

        if (_databaseCreated)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temp folder is cleaned by the OS eventually.
        }
    }

    private async Task RunAsync()
    {
        var logs = Path.Combine(Root, "logs");
        Directory.CreateDirectory(logs);
        foreach (var service in Plan.Services)
        {
            foreach (var (_, local) in service.Mounts.Where(m => m.Local.StartsWith(Root, StringComparison.Ordinal)))
            {
                Directory.CreateDirectory(local);
            }

            if (service.WorkingDirectory is { } workdir)
            {
                Directory.CreateDirectory(workdir);
            }
        }

        foreach (var service in Plan.Services)
        {
            foreach (var (dependency, condition) in service.Service.DependsOn)
            {
                await WaitConditionAsync(Plan[dependency], condition);
            }

            if (service.Kind == LocalKind.Postgres)
            {
                await using var connection = new NpgsqlConnection(_server);
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
                await create.ExecuteNonQueryAsync();
                _databaseCreated = true;
            }
            else
            {
                _processes[service.Name] = LocalProcess.Start(service, logs);
            }

            _log($"[compose] {_clock.Elapsed.TotalSeconds,6:0.0} s  {service.Name} started ({service.Kind})");
        }

        foreach (var service in Plan.Services.Where(s => s.Probe is not null))
        {
            await WaitHealthyAsync(service);
        }

        _log($"[compose] {_clock.Elapsed.TotalSeconds,6:0.0} s  every service with a health check is healthy; not started (profiles): {string.Join(", ", Plan.NotStarted)}");
    }

    private async Task WaitConditionAsync(PlannedService dependency, string condition)
    {
        switch (condition)
        {
            case "service_healthy":
                await WaitHealthyAsync(dependency);
                break;
            case "service_completed_successfully":
                var process = _processes[dependency.Name];
                if (!await process.WaitForExitAsync(Bound))
                {
                    throw new TimeoutException($"{dependency.Name} did not finish within {Bound.TotalSeconds:0} s:\n{process.Tail()}");
                }

                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"{dependency.Name} exited with code {process.ExitCode}:\n{process.Tail()}");
                }

                _log($"[compose] {_clock.Elapsed.TotalSeconds,6:0.0} s  {dependency.Name} completed successfully");
                break;
            default:
                break;
        }
    }

    private async Task WaitHealthyAsync(PlannedService service)
    {
        var watch = Stopwatch.StartNew();
        _processes.TryGetValue(service.Name, out var process);
        while (!await AnswersAsync(service.Probe!))
        {
            if (process is { HasExited: true })
            {
                throw new InvalidOperationException($"{service.Name} exited with code {process.ExitCode} before it was healthy:\n{process.Tail()}");
            }

            if (watch.Elapsed > Bound)
            {
                throw new TimeoutException($"{service.Name} was not healthy within {Bound.TotalSeconds:0} s ({service.Probe}):\n{process?.Tail()}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<bool> AnswersAsync(HealthProbe probe)
    {
        try
        {
            switch (probe)
            {
                case HttpProbe http:
                    using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
                    using (var response = await client.GetAsync(http.Url))
                    {
                        return response.IsSuccessStatusCode;
                    }

                case TcpProbe tcp:
                    using (var socket = new TcpClient())
                    using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                    {
                        await socket.ConnectAsync("127.0.0.1", tcp.Port, timeout.Token);
                        return true;
                    }

                case PostgresProbe postgres:
                    await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
                    {
                        await connection.OpenAsync();
                        return true;
                    }

                default:
                    throw new InvalidOperationException($"no probe for {probe}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or SocketException or NpgsqlException)
        {
            return false; // not answering yet
        }
    }
}
