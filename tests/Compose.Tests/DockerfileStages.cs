// Design: what a compose service inherits from the Dockerfile stage it builds: the entry point, the environment
// (ENV), the working folder, anonymous volumes (VOLUME) and the health check (HEALTHCHECK CMD). Only these
// instructions are read; the others (RUN, COPY, USER, EXPOSE) shape the image, not what the process is started with.
using System.Text.Json;

namespace Marketplace.Compose.Tests;

/// <summary>The stages of a multi-stage Dockerfile, by name.</summary>
internal sealed class DockerfileStages
{
    private DockerfileStages(Dictionary<string, DockerfileStage> stages) => Stages = stages;

    /// <summary>The named stages (<c>FROM image AS name</c>).</summary>
    public Dictionary<string, DockerfileStage> Stages { get; }

    /// <summary>Reads <paramref name="path"/>: instructions joined across <c>\</c> line ends, comments dropped.</summary>
    public static DockerfileStages Load(string path)
    {
        var stages = new Dictionary<string, DockerfileStage>(StringComparer.Ordinal);
        DockerfileStage? current = null;
        foreach (var instruction in Instructions(File.ReadAllLines(path)))
        {
            var space = instruction.IndexOf(' ', StringComparison.Ordinal);
            var verb = instruction[..space].ToUpperInvariant();
            var rest = instruction[(space + 1)..].Trim();
            switch (verb)
            {
                case "FROM":
                    var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    current = new DockerfileStage(words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : words[0]);
                    stages[current.Name] = current;
                    break;
                case "ENV" when current is not null:
                    foreach (var pair in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var equals = pair.IndexOf('=', StringComparison.Ordinal);
                        current.Environment[pair[..equals]] = pair[(equals + 1)..];
                    }

                    break;
                case "ENTRYPOINT" when current is not null:
                    current.Entrypoint = JsonSerializer.Deserialize<List<string>>(rest)
                        ?? throw new ComposeDriftException($"Dockerfile stage {current.Name}: ENTRYPOINT must be the JSON list form");
                    break;
                case "WORKDIR" when current is not null:
                    current.WorkingDirectory = rest;
                    break;
                case "VOLUME" when current is not null:
                    current.Volumes.AddRange(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "HEALTHCHECK" when current is not null:
                    var cmd = rest.IndexOf(" CMD ", StringComparison.Ordinal);
                    current.Healthcheck = cmd < 0 ? null : rest[(cmd + 5)..].Trim();
                    break;
                default:
                    break;
            }
        }

        return new DockerfileStages(stages);
    }

    private static IEnumerable<string> Instructions(string[] lines)
    {
        var pending = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            var instruction = (pending + line).Trim();
            pending = "";
            if (instruction.Length > 0)
            {
                yield return instruction;
            }
        }
    }
}

/// <summary>One Dockerfile stage: what a container of its image starts with.</summary>
internal sealed class DockerfileStage(string name)
{
    /// <summary>The stage name.</summary>
    public string Name { get; } = name;

    /// <summary>ENV settings.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The ENTRYPOINT (JSON form).</summary>
    public List<string> Entrypoint { get; set; } = [];

    /// <summary>The WORKDIR.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>VOLUME paths (anonymous volumes when compose mounts nothing there).</summary>
    public List<string> Volumes { get; } = [];

    /// <summary>The HEALTHCHECK command (shell form after CMD), if any.</summary>
    public string? Healthcheck { get; set; }
}
