using System.Globalization;

namespace Marketplace.Compose.Tests;

/// <summary>One service of a compose file, in docker-compose's terms.</summary>
internal sealed class ComposeService(string name)
{
    /// <summary>The service name (also its host name on the compose network).</summary>
    public string Name { get; } = name;

    /// <summary>Every key the service sets (<c>image</c>, <c>command</c>, ...), recognised or not.</summary>
    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>The image name.</summary>
    public string? Image { get; set; }

    /// <summary>The Dockerfile stage it is built from (<c>build.target</c>), if built.</summary>
    public string? BuildTarget { get; set; }

    /// <summary>The build context, absolute.</summary>
    public string? BuildContext { get; set; }

    /// <summary>The command (appended to the image's entry point); null: the image's own.</summary>
    public List<string>? Command { get; set; }

    /// <summary>The environment the service sets.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>depends_on: service → condition (<c>service_started</c>, <c>service_healthy</c>,
    /// <c>service_completed_successfully</c>).</summary>
    public Dictionary<string, string> DependsOn { get; } = new(StringComparer.Ordinal);

    /// <summary>Published ports.</summary>
    public List<ComposePort> Ports { get; } = [];

    /// <summary>Mounted volumes and bind mounts.</summary>
    public List<ComposeVolume> Volumes { get; } = [];

    /// <summary>The fixed address on its network, if any.</summary>
    public string? Ipv4Address { get; set; }

    /// <summary>The health check command (<c>CMD</c> form), null when the service sets none.</summary>
    public List<string>? Healthcheck { get; set; }

    /// <summary>True when the service switches the image's health check off.</summary>
    public bool HealthcheckDisabled { get; set; }

    /// <summary>The profiles the service belongs to (none: started by a plain <c>up</c>).</summary>
    public List<string> Profiles { get; } = [];
}

/// <summary>A published port: <c>[host_ip:]host_port:container_port[/tcp]</c>.</summary>
internal sealed record ComposePort(string? HostIp, int HostPort, int ContainerPort)
{
    /// <summary>Parses the short syntax.</summary>
    public static ComposePort Parse(string service, string text)
    {
        var parts = text.Split('/')[0].Split(':');
        return parts.Length switch
        {
            3 => new(parts[0], Number(parts[1]), Number(parts[2])),
            2 => new(null, Number(parts[0]), Number(parts[1])),
            _ => throw new ComposeDriftException($"service {service}: port '{text}' is not host:container or ip:host:container"),
        };

        int Number(string value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : throw new ComposeDriftException($"service {service}: port '{text}' has a part '{value}' that is not a port number (ranges are not translated)");
    }
}

/// <summary>A volume (<c>name:/path[:ro]</c>) or bind mount (<c>./host/path:/path[:ro]</c>).</summary>
internal sealed record ComposeVolume(string Source, string Target, bool ReadOnly, bool IsBind)
{
    /// <summary>Parses the short syntax; a bind mount's host path is made absolute against <paramref name="folder"/>.</summary>
    public static ComposeVolume Parse(string service, string text, string folder)
    {
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || !parts[1].StartsWith('/'))
        {
            throw new ComposeDriftException($"service {service}: volume '{text}' is not source:/container/path[:ro|:rw]");
        }

        var bind = parts[0].StartsWith('.') || parts[0].StartsWith('/');
        var source = bind ? Path.GetFullPath(Path.Combine(folder, parts[0])) : parts[0];
        return new(source, parts[1].TrimEnd('/'), parts.Length == 3 && parts[2] == "ro", bind);
    }
}

/// <summary>The compose file says something the local translation cannot run as written.</summary>
internal sealed class ComposeDriftException(string message) : Exception(message);
