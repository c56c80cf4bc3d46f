// Design: the services of docker-compose.yml as docker-compose itself resolves them. When the docker-compose program
// is installed (CI installs it), its `config` output is read: anchors, merge keys and ${VAR:-default} interpolation
// are then exactly docker-compose's. Without it the file itself is read with YamlDotNet: merge keys are applied here
// with the mapping's own keys winning (YamlDotNet's MergingParser keeps both, a duplicate key), and ${VAR},
// ${VAR:-default} and $$ are interpolated here. ComposeFileTests checks that both readings agree. Both shapes (short
// and long syntax) land in one model; keys the model does not read are kept by name so the translation refuses them.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Marketplace.Compose.Tests;

/// <summary>The services of a compose file (the default profile and the others).</summary>
internal sealed partial class ComposeFile
{
    private ComposeFile(string source, Dictionary<string, ComposeService> services)
    {
        Source = source;
        Services = services;
    }

    /// <summary>How the file was read, for the test output.</summary>
    public string Source { get; }

    /// <summary>The services by name.</summary>
    public Dictionary<string, ComposeService> Services { get; }

    /// <summary>Reads <paramref name="path"/> through <c>docker-compose config</c> when that program exists, else
    /// parses it directly. Interpolated variables take their defaults (the variables are removed from the
    /// environment docker-compose sees).</summary>
    public static ComposeFile Load(string path)
    {
        var text = RunDockerComposeConfig(path);
        return text is null
            ? Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path))!, $"{path} (parsed with YamlDotNet; docker-compose not found)")
            : Parse(text, Path.GetDirectoryName(Path.GetFullPath(path))!, $"`docker-compose -f {path} config`");
    }

    /// <summary>Parses compose YAML (raw or <c>config</c> output); relative bind mounts are resolved against
    /// <paramref name="folder"/>.</summary>
    public static ComposeFile Parse(string yaml, string folder, string source)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var services = new Dictionary<string, ComposeService>(StringComparer.Ordinal);
        foreach (var (name, node) in Mapping(root, "services"))
        {
            services[name] = ReadService(name, (YamlMappingNode)node, folder);
        }

        return new ComposeFile(source, services);
    }

    private static ComposeService ReadService(string name, YamlMappingNode node, string folder)
    {
        var service = new ComposeService(name);
        foreach (var (key, value) in Entries(node))
        {
            service.Keys.Add(key);
            switch (key)
            {
                case "image":
                    service.Image = Scalar(value);
                    break;
                case "build":
                    service.BuildTarget = value is YamlMappingNode build && build.Children.TryGetValue("target", out var target) ? Scalar(target) : null;
                    service.BuildContext = value is YamlMappingNode b && b.Children.TryGetValue("context", out var context)
                        ? Path.GetFullPath(Path.Combine(folder, Scalar(context)))
                        : Path.GetFullPath(Path.Combine(folder, Scalar(value)));
                    break;
                case "command":
                    service.Command = value is YamlSequenceNode command
                        ? [.. command.Children.Select(Scalar)]
                        : throw new ComposeDriftException($"service {name}: command must be a list (the string form is split by a shell rule the test does not repeat)");
                    break;
                case "environment":
                    foreach (var (k, v) in Pairs(value))
                    {
                        service.Environment[k] = v;
                    }

                    break;
                case "depends_on":
                    if (value is YamlSequenceNode list)
                    {
                        foreach (var item in list.Children)
                        {
                            service.DependsOn[Scalar(item)] = "service_started";
                        }
                    }
                    else
                    {
                        foreach (var (dependency, condition) in Entries((YamlMappingNode)value))
                        {
                            service.DependsOn[dependency] = condition is YamlMappingNode c && c.Children.TryGetValue("condition", out var cond)
                                ? Scalar(cond)
                                : "service_started";
                        }
                    }

                    break;
                case "ports":
                    service.Ports.AddRange(((YamlSequenceNode)value).Children.Select(p => ComposePort.Parse(name, Scalar(p))));
                    break;
                case "volumes":
                    service.Volumes.AddRange(((YamlSequenceNode)value).Children.Select(v => ComposeVolume.Parse(name, Scalar(v), folder)));
                    break;
                case "networks":
                    if (value is YamlMappingNode networks)
                    {
                        foreach (var (_, network) in networks.Children)
                        {
                            if (network is YamlMappingNode settings && settings.Children.TryGetValue("ipv4_address", out var address))
                            {
                                service.Ipv4Address = Scalar(address);
                            }
                        }
                    }

                    break;
                case "healthcheck":
                    var health = (YamlMappingNode)value;
                    if (health.Children.TryGetValue("disable", out var disable) && Scalar(disable) == "true")
                    {
                        service.HealthcheckDisabled = true;
                    }
                    else if (health.Children.TryGetValue("test", out var test))
                    {
                        service.Healthcheck = test is YamlSequenceNode t ? [.. t.Children.Select(Scalar)] : ["CMD-SHELL", Scalar(test)];
                        service.HealthcheckDisabled = service.Healthcheck is ["NONE"];
                    }

                    break;
                case "profiles":
                    service.Profiles.AddRange(((YamlSequenceNode)value).Children.Select(Scalar));
                    break;
                default:
                    // Kept in Keys: the translation refuses keys it does not know.
                    break;
            }
        }

        return service;
    }

    private static IEnumerable<(string Key, YamlNode Value)> Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var child) && child is YamlMappingNode mapping
            ? Entries(mapping)
            : [];

    // A mapping's entries with YAML merge keys (<<: *anchor, or a list of anchors) applied as docker-compose applies
    // them: the mapping's own keys win over merged ones, merged mappings may merge in turn.
    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode node)
    {
        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Children.Where(c => Scalar(c.Key) != "<<"))
        {
            entries[Scalar(key)] = value;
        }

        foreach (var (_, merged) in node.Children.Where(c => Scalar(c.Key) == "<<"))
        {
            foreach (var source in merged is YamlSequenceNode list ? list.Children : [merged])
            {
                foreach (var (key, value) in Entries((YamlMappingNode)source))
                {
                    entries.TryAdd(key, value);
                }
            }
        }

        return entries.Select(e => (e.Key, e.Value));
    }

    private static IEnumerable<(string Key, string Value)> Pairs(YamlNode node)
    {
        if (node is YamlMappingNode mapping)
        {
            return Entries(mapping).Select(e => (e.Key, Scalar(e.Value)));
        }

        return ((YamlSequenceNode)node).Children.Select(Scalar).Select(item =>
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            return equals < 0 ? (item, "") : (item[..equals], item[(equals + 1)..]);
        });
    }

    private static string Scalar(YamlNode node) => node is YamlScalarNode scalar
        ? Interpolate(scalar.Value ?? "")
        : throw new ComposeDriftException($"expected a single value at line {node.Start.Line}, found {node.NodeType}");

    // ${VAR}, ${VAR:-default}, ${VAR-default} and $$ as docker-compose interpolates them (config output has none left
    // but $$, which it keeps escaped).
    private static string Interpolate(string value) => Variable().Replace(value, m =>
    {
        if (m.Value == "$$")
        {
            return "$";
        }

        // The file's defaults, never this machine's environment: the test runs what the file says by itself.
        return m.Groups["op"].Success ? m.Groups["default"].Value : "";
    });

    private static string? RunDockerComposeConfig(string path)
    {
        var program = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(folder => Path.Combine(folder, "docker-compose")).FirstOrDefault(File.Exists);
        if (program is null)
        {
            return null;
        }

        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-f", Path.GetFullPath(path), "config" })
        {
            start.ArgumentList.Add(argument);
        }

        // The defaults of the file, not whatever this machine exports.
        foreach (Match variable in Variable().Matches(File.ReadAllText(path)))
        {
            if (variable.Groups["name"].Success)
            {
                start.Environment.Remove(variable.Groups["name"].Value);
            }
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output
            : throw new ComposeDriftException($"`docker-compose -f {path} config` exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {error.Result}");
    }

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:?-)(?<default>[^}]*))?\}")]
    private static partial Regex Variable();
}
