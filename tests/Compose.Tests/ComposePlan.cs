// Design: turns the compose model and the Dockerfile stages into local processes through ComposeTranslation, all
// before anything starts (ports are chosen up front, anvil's included), so a compose file the table cannot run fails
// at once with every problem listed, and the plan can be checked without PostgreSQL or anvil.

namespace Marketplace.Compose.Tests;

/// <summary>Where the local translation finds things.</summary>
/// <param name="Root">A fresh temporary folder for volumes, working folders and logs.</param>
/// <param name="PostgresServer">A connection string of the local PostgreSQL server (any database).</param>
/// <param name="Database">The fresh database that stands for the PostgreSQL service.</param>
/// <param name="SiloAssembly">The silo build output (Marketplace.Silo.dll).</param>
/// <param name="CliAssembly">The CLI build output (marketplace.dll).</param>
/// <param name="AnvilBinary">The anvil binary.</param>
/// <param name="FreePort">Hands out a free loopback port.</param>
internal sealed record LocalTargets(string Root, string PostgresServer, string Database, string SiloAssembly, string CliAssembly, string AnvilBinary, Func<int> FreePort);

/// <summary>How a service is known to be healthy.</summary>
internal abstract record HealthProbe;

/// <summary>An HTTP GET answering 2xx.</summary>
internal sealed record HttpProbe(Uri Url) : HealthProbe;

/// <summary>A TCP connect to 127.0.0.1.</summary>
internal sealed record TcpProbe(int Port) : HealthProbe;

/// <summary>A connection to the database opens.</summary>
internal sealed record PostgresProbe(string ConnectionString) : HealthProbe;

/// <summary>One service as it runs here.</summary>
internal sealed class PlannedService(ComposeService service, LocalKind kind)
{
    /// <summary>The compose service.</summary>
    public ComposeService Service { get; } = service;

    /// <summary>The service name.</summary>
    public string Name => Service.Name;

    /// <summary>What it runs as.</summary>
    public LocalKind Kind { get; } = kind;

    /// <summary>The program (null for the PostgreSQL service, which is a database, not a process).</summary>
    public string? Executable { get; set; }

    /// <summary>Its arguments, translated.</summary>
    public List<string> Arguments { get; } = [];

    /// <summary>Its environment (image ENV, then compose's), translated.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The local folder of the image's WORKDIR.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Its health probe, if it has a health check.</summary>
    public HealthProbe? Probe { get; set; }

    /// <summary>Container port → local port, for every port it listens on.</summary>
    public Dictionary<int, int> Ports { get; } = [];

    /// <summary>Container path → local folder, longest first.</summary>
    public List<(string Target, string Local)> Mounts { get; } = [];

    /// <summary>For the PostgreSQL service: the local database's connection string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>For the PostgreSQL service: POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB.</summary>
    public Dictionary<string, string> PostgresSettings { get; } = new(StringComparer.Ordinal);

    /// <summary>The services it depends on, directly or not.</summary>
    public HashSet<string> Ancestors { get; } = new(StringComparer.Ordinal);

    /// <summary>The local path of <paramref name="containerPath"/>, or null when no volume is mounted there.</summary>
    public string? LocalPath(string containerPath)
    {
        foreach (var (target, local) in Mounts)
        {
            if (containerPath == target || containerPath.StartsWith(target + "/", StringComparison.Ordinal))
            {
                return Path.Combine(local, containerPath[target.Length..].TrimStart('/'));
            }
        }

        return null;
    }
}

/// <summary>The compose file's services in start order, translated to local processes.</summary>
internal sealed partial class ComposePlan
{
    private ComposePlan(List<PlannedService> services, List<string> notStarted)
    {
        Services = services;
        NotStarted = notStarted;
    }

    /// <summary>The services a plain <c>docker-compose up</c> starts, in an order depends_on allows.</summary>
    public IReadOnlyList<PlannedService> Services { get; }

    /// <summary>Services in a profile (not started; their bind-mounted files were checked).</summary>
    public IReadOnlyList<string> NotStarted { get; }

    /// <summary>The planned service <paramref name="name"/>.</summary>
    public PlannedService this[string name] => Services.Single(s => s.Name == name);

    /// <summary>Plans every service; throws <see cref="ComposeDriftException"/> listing every problem.</summary>
    public static ComposePlan Create(ComposeFile compose, DockerfileStages dockerfile, LocalTargets targets)
    {
        var problems = new List<string>();
        var notStarted = new List<string>();
        foreach (var service in compose.Services.Values.Where(s => s.Profiles.Count > 0))
        {
            notStarted.Add(service.Name);
            foreach (var volume in service.Volumes.Where(v => v.IsBind && !File.Exists(v.Source) && !Directory.Exists(v.Source)))
            {
                problems.Add($"service {service.Name}: bind mount source {volume.Source} does not exist");
            }
        }

        var planned = new Dictionary<string, PlannedService>(StringComparer.Ordinal);
        var order = new List<PlannedService>();
        foreach (var service in StartOrder(compose, problems))
        {
            if (new ServicePlanner(service, dockerfile, targets, planned, problems).Plan() is { } plan)
            {
                planned[service.Name] = plan;
                order.Add(plan);
            }
        }

        return problems.Count == 0
            ? new ComposePlan(order, notStarted)
            : throw new ComposeDriftException(
                $"docker-compose.yml says {problems.Count} thing(s) the local translation (tests/Compose.Tests/ComposeTranslation.cs) does not run:\n  "
                + string.Join("\n  ", problems));
    }

    private static List<ComposeService> StartOrder(ComposeFile compose, List<string> problems)
    {
        var started = compose.Services.Values.Where(s => s.Profiles.Count == 0).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var order = new List<ComposeService>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: visiting, true: done
        foreach (var name in started.Keys.Order(StringComparer.Ordinal))
        {
            Visit(name, "");
        }

        return order;

        void Visit(string name, string from)
        {
            if (!started.TryGetValue(name, out var service))
            {
                problems.Add($"service {from} depends on {name}, which a plain `docker-compose up` does not start");
                return;
            }

            if (state.TryGetValue(name, out var done))
            {
                if (!done)
                {
                    problems.Add($"service {name}: depends_on forms a cycle through {from}");
                }

                return;
            }

            state[name] = false;
            foreach (var dependency in service.DependsOn.Keys.Order(StringComparer.Ordinal))
            {
                Visit(dependency, name);
            }

            state[name] = true;
            order.Add(service);
        }
    }
}
