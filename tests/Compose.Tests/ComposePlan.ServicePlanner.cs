// Design: plans one service: its program from the Dockerfile stage's entry point, its volumes, environment, arguments
// and health check, each value through a row of ComposeTranslation, and checks its depends_on conditions and published
// ports against what its dependencies and it actually run. Problems are collected, never thrown one by one.
using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Marketplace.Compose.Tests;

/// <summary>The planner of one service.</summary>
internal sealed partial class ComposePlan
{
    private static readonly HashSet<string> ConnectionKeys = new(["Host", "Port", "Username", "Password", "Database"], StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex(@"^echo > /dev/tcp/(?:127\.0\.0\.1|localhost)/(?<port>[0-9]+)$")]
    private static partial Regex TcpCheck();

    [GeneratedRegex(@"^curl -fsS http://(?:127\.0\.0\.1|localhost):(?<port>[0-9]+)(?<path>/\S*) \|\| exit 1$")]
    private static partial Regex HttpCheck();

    private sealed class ServicePlanner(
        ComposeService service, DockerfileStages dockerfile, LocalTargets targets, Dictionary<string, PlannedService> planned, List<string> problems)
    {
        private PlannedService _plan = null!;

        public PlannedService? Plan()
        {
            foreach (var key in service.Keys.Where(k => !ComposeTranslation.ServiceKeys.ContainsKey(k)))
            {
                Problem($"key '{key}' is not in the translation table");
            }

            DockerfileStage? stage = null;
            List<string> entryArguments = [];
            if (service.BuildTarget is { } target)
            {
                if (!dockerfile.Stages.TryGetValue(target, out stage))
                {
                    Problem($"builds stage '{target}', which the Dockerfile does not have");
                    return null;
                }

                if (!PlanEntrypoint(stage, out entryArguments))
                {
                    return null;
                }
            }
            else if (service.Image is { } image && image.StartsWith("postgres:", StringComparison.Ordinal))
            {
                _plan = new PlannedService(service, LocalKind.Postgres);
                var server = new NpgsqlConnectionStringBuilder(targets.PostgresServer);
                _plan.ConnectionString = new NpgsqlConnectionStringBuilder(targets.PostgresServer) { Database = targets.Database }.ConnectionString;
                _plan.Ports[ComposeTranslation.PostgresPort] = server.Port;
            }
            else
            {
                Problem($"image '{service.Image}' has no local translation");
                return null;
            }

            foreach (var (dependency, _) in service.DependsOn)
            {
                if (planned.TryGetValue(dependency, out var parent))
                {
                    _plan.Ancestors.Add(dependency);
                    _plan.Ancestors.UnionWith(parent.Ancestors);
                }
            }

            PlanMounts(stage);
            PlanEnvironment(stage);
            PlanArguments([.. entryArguments, .. service.Command ?? []]);
            PlanProbe(stage);
            PlanDependencies();
            foreach (var port in service.Ports.Where(p => !_plan.Ports.ContainsKey(p.ContainerPort)))
            {
                Problem($"publishes container port {port.ContainerPort.ToString(CultureInfo.InvariantCulture)}, which the service does not listen on");
            }

            return _plan;
        }

        private bool PlanEntrypoint(DockerfileStage stage, out List<string> rest)
        {
            rest = [];
            var entry = stage.Entrypoint;
            if (entry is ["dotnet", var dll, ..] && ComposeTranslation.DotnetEntrypoints.TryGetValue(dll, out var kind))
            {
                var assembly = kind == LocalKind.Silo ? targets.SiloAssembly : targets.CliAssembly;
                if (Path.GetFileName(assembly) != dll)
                {
                    Problem($"the image runs {dll}, but the local build output is {Path.GetFileName(assembly)}");
                    return false;
                }

                _plan = new PlannedService(service, kind)
                {
                    Executable = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
                };
                _plan.Arguments.AddRange(["exec", assembly]);
                rest = entry[2..];
                return true;
            }

            if (entry is [var binary, ..] && binary == stage.WorkingDirectory + ComposeTranslation.AnvilEntrypointSuffix)
            {
                _plan = new PlannedService(service, LocalKind.Anvil) { Executable = targets.AnvilBinary };
                rest = entry[1..];
                return true;
            }

            Problem($"stage {stage.Name}'s ENTRYPOINT [{string.Join(", ", entry)}] has no local translation");
            return false;
        }

        private void PlanMounts(DockerfileStage? stage)
        {
            foreach (var volume in service.Volumes)
            {
                if (volume.IsBind && !File.Exists(volume.Source) && !Directory.Exists(volume.Source))
                {
                    Problem($"bind mount source {volume.Source} does not exist");
                }

                _plan.Mounts.Add((volume.Target, volume.IsBind ? volume.Source : Path.Combine(targets.Root, "volumes", volume.Source)));
            }

            foreach (var path in stage?.Volumes ?? [])
            {
                if (!_plan.Mounts.Any(m => m.Target == path))
                {
                    _plan.Mounts.Add((path, Path.Combine(targets.Root, "anonymous", service.Name + path.Replace('/', '_'))));
                }
            }

            _plan.Mounts.Sort((a, b) => b.Target.Length.CompareTo(a.Target.Length));
            if (stage?.WorkingDirectory is not null)
            {
                _plan.WorkingDirectory = Path.Combine(targets.Root, "workdir", service.Name);
            }
        }

        private void PlanEnvironment(DockerfileStage? stage)
        {
            var merged = new Dictionary<string, string>(stage?.Environment ?? [], StringComparer.Ordinal);
            foreach (var (key, value) in service.Environment)
            {
                merged[key] = value;
            }

            foreach (var (key, value) in merged.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!ComposeTranslation.EnvironmentKeys.TryGetValue(ComposeTranslation.RowOf(key), out var rule))
                {
                    Problem($"environment key '{key}' is not in the translation table");
                    continue;
                }

                if ((rule == ValueRule.PostgresServer) != (_plan.Kind == LocalKind.Postgres))
                {
                    Problem($"environment key '{key}' does not belong to a {_plan.Kind} service");
                    continue;
                }

                if (rule == ValueRule.PostgresServer)
                {
                    _plan.PostgresSettings[key] = value;
                    continue;
                }

                if (Translate(rule, value, $"environment {key}") is { } local)
                {
                    _plan.Environment[key] = local;
                }
            }

            if (_plan.Kind == LocalKind.Silo)
            {
                // Added for the test only: the silo stops itself when the test process is gone.
                _plan.Environment["Marketplace__ParentProcessId"] = System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            }
        }

        private void PlanArguments(List<string> arguments)
        {
            var table = ComposeTranslation.Arguments[_plan.Kind];
            for (var i = 0; i < arguments.Count; i++)
            {
                var argument = arguments[i];
                if (!table.TryGetValue(argument, out var rule))
                {
                    Problem($"argument '{argument}' of the {_plan.Kind} program is not in the translation table");
                    continue;
                }

                _plan.Arguments.Add(argument);
                if (rule is ValueRule.Flag or ValueRule.Word)
                {
                    continue;
                }

                if (i + 1 == arguments.Count)
                {
                    Problem($"argument '{argument}' has no value");
                    continue;
                }

                _plan.Arguments.Add(Translate(rule, arguments[++i], $"argument {argument}") ?? "");
            }
        }

        private void PlanProbe(DockerfileStage? stage)
        {
            if (service.HealthcheckDisabled)
            {
                return;
            }

            if (service.Healthcheck is ["CMD", "pg_isready", "-U", var user, "-d", var database] && _plan.Kind == LocalKind.Postgres)
            {
                if (user != _plan.PostgresSettings.GetValueOrDefault("POSTGRES_USER") || database != _plan.PostgresSettings.GetValueOrDefault("POSTGRES_DB"))
                {
                    Problem($"health check asks pg_isready for user {user} and database {database}, not POSTGRES_USER and POSTGRES_DB");
                }

                _plan.Probe = new PostgresProbe(_plan.ConnectionString!);
                return;
            }

            var shell = service.Healthcheck switch
            {
                ["CMD", "bash", "-c", var script] => script,
                ["CMD-SHELL", var script] => script,
                null => stage?.Healthcheck,
                _ => "(unrecognised) " + string.Join(' ', service.Healthcheck),
            };
            if (shell is null)
            {
                return;
            }

            if (TcpCheck().Match(shell) is { Success: true } tcp && ListenedPort(tcp.Groups["port"].Value) is { } tcpPort)
            {
                _plan.Probe = new TcpProbe(tcpPort);
            }
            else if (HttpCheck().Match(shell) is { Success: true } http && ListenedPort(http.Groups["port"].Value) is { } httpPort)
            {
                _plan.Probe = new HttpProbe(new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}{http.Groups["path"].Value}"));
            }
            else
            {
                Problem($"health check '{shell}' is not in the translation table");
            }
        }

        private void PlanDependencies()
        {
            foreach (var (dependency, condition) in service.DependsOn)
            {
                if (!planned.TryGetValue(dependency, out var parent))
                {
                    continue; // reported by the start order
                }

                switch (condition)
                {
                    case "service_started":
                        break;
                    case "service_healthy" when parent.Probe is null:
                        Problem($"waits for {dependency} to be healthy, but {dependency} has no health check");
                        break;
                    case "service_healthy":
                        break;
                    case "service_completed_successfully" when parent.Kind == LocalKind.Postgres:
                        Problem($"waits for {dependency} to complete, but {dependency} is a server that never does");
                        break;
                    case "service_completed_successfully":
                        break;
                    default:
                        Problem($"depends_on condition '{condition}' is not in the translation table");
                        break;
                }
            }
        }

        private int? ListenedPort(string text)
        {
            var port = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            if (_plan.Ports.TryGetValue(port, out var local))
            {
                return local;
            }

            Problem($"health check probes port {text}, which the service does not listen on");
            return null;
        }

        private int Listen(int containerPort)
        {
            if (!_plan.Ports.TryGetValue(containerPort, out var local))
            {
                local = targets.FreePort();
                _plan.Ports[containerPort] = local;
            }

            return local;
        }

        private string? Translate(ValueRule rule, string value, string where)
        {
            switch (rule)
            {
                case ValueRule.Verbatim:
                    return value;
                case ValueRule.ListenPort when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port):
                    return Listen(port).ToString(CultureInfo.InvariantCulture);
                case ValueRule.ListenAddress when value == "0.0.0.0" || value == service.Ipv4Address:
                    return "127.0.0.1";
                case ValueRule.ListenAddress:
                    Problem($"{where}: '{value}' is neither 0.0.0.0 nor the service's network address ({service.Ipv4Address ?? "none"})");
                    return null;
                case ValueRule.ListenUrls:
                    var urls = new List<string>();
                    foreach (var text in value.Split(';'))
                    {
                        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Host is not ("0.0.0.0" or "127.0.0.1" or "localhost"))
                        {
                            Problem($"{where}: '{text}' is not http://0.0.0.0:port");
                            return null;
                        }

                        urls.Add($"{url.Scheme}://127.0.0.1:{Listen(url.Port).ToString(CultureInfo.InvariantCulture)}");
                    }

                    return string.Join(';', urls);
                case ValueRule.ServiceUrl:
                    return ServiceUrl(value, where);
                case ValueRule.ContainerPath when value.StartsWith('/'):
                    return _plan.LocalPath(value) ?? Problem<string>($"{where}: {value} is on no volume of the service (a file written there is lost, one read there cannot be there)");
                case ValueRule.PostgresConnection:
                    return PostgresConnection(value, where);
                case ValueRule.RuntimeSwitch when value is "0" or "1":
                    return null;
                default:
                    Problem($"{where}: '{value}' does not fit the rule {rule}");
                    return null;
            }
        }

        private string? ServiceUrl(string value, string where)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var url))
            {
                return Problem<string>($"{where}: '{value}' is not a URL");
            }

            if (!_plan.Ancestors.Contains(url.Host) || !planned.TryGetValue(url.Host, out var target))
            {
                return Problem<string>(planned.ContainsKey(url.Host)
                    ? $"{where}: '{value}' names {url.Host}, which this service does not depend on (directly or not)"
                    : $"{where}: '{value}' names no service this one depends on");
            }

            if (!target.Ports.TryGetValue(url.Port, out var port))
            {
                return Problem<string>($"{where}: {url.Host} does not listen on port {url.Port.ToString(CultureInfo.InvariantCulture)}");
            }

            var path = url.PathAndQuery == "/" && !value.EndsWith('/') ? "" : url.PathAndQuery;
            return $"{url.Scheme}://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{path}";
        }

        private string? PostgresConnection(string value, string where)
        {
            var written = new DbConnectionStringBuilder();
            try
            {
                written.ConnectionString = value;
            }
            catch (ArgumentException e)
            {
                return Problem<string>($"{where}: not a connection string ({e.Message})");
            }

            string? Get(string key) => written.TryGetValue(key, out var v) ? v?.ToString() : null;
            foreach (string key in written.Keys)
            {
                if (!ConnectionKeys.Contains(key))
                {
                    Problem($"{where}: connection string key '{key}' is not in the translation table");
                }
            }

            if (Get("Host") is not { } host || !_plan.Ancestors.Contains(host) || planned[host].Kind != LocalKind.Postgres)
            {
                return Problem<string>($"{where}: Host '{Get("Host")}' is not a PostgreSQL service this one depends on");
            }

            var server = planned[host];
            var expected = new Dictionary<string, string?>
            {
                ["Port"] = ComposeTranslation.PostgresPort.ToString(CultureInfo.InvariantCulture),
                ["Username"] = server.PostgresSettings.GetValueOrDefault("POSTGRES_USER"),
                ["Password"] = server.PostgresSettings.GetValueOrDefault("POSTGRES_PASSWORD"),
                ["Database"] = server.PostgresSettings.GetValueOrDefault("POSTGRES_DB"),
            };
            foreach (var (key, wanted) in expected.Where(e => e.Value != Get(e.Key)))
            {
                var secret = key == "Password";
                Problem($"{where}: {key} is '{(secret ? "***" : Get(key))}', but {host} is set up with '{(secret ? "***" : wanted)}'");
            }

            return server.ConnectionString;
        }

        private void Problem(string text) => problems.Add($"service {service.Name}: {text}");

        private T? Problem<T>(string text)
            where T : class
        {
            Problem(text);
            return null;
        }
    }
}
