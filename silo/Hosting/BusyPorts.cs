// Design: a newcomer's most common first failure is a port another process holds (a second silo, another web
// server). Before the silo starts, each configured listening endpoint (HTTP, silo-to-silo, gateway) is bound once
// with a throw-away socket; the first one in use is reported as one line naming the setting to change, instead of
// the hosting stack trace the failed start would log. Port 0 (any free port) and host names other than localhost are
// not probed; a port taken between the probe and the start still fails the start the ordinary way.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Hosting;

/// <summary>Finds a configured listening port that is already in use.</summary>
internal static class BusyPorts
{
    /// <summary>One line for the operator naming the busy port and its setting, or null when every port is free.</summary>
    public static string? Describe(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var cluster = app.Services.GetRequiredService<IOptions<SiloClusterOptions>>().Value;
        var address = IPAddress.Parse(cluster.Address);
        var candidates = new List<(IPEndPoint Endpoint, string Setting, string Shown)>();
        foreach (var url in HttpUrls(app.Configuration))
        {
            if (HttpEndpoint(url) is { } endpoint)
            {
                candidates.Add((endpoint, "Marketplace:Http:Urls", url));
            }
        }

        candidates.Add((new IPEndPoint(address, cluster.SiloPort), "Marketplace:Cluster:SiloPort", $"{cluster.Address}:{cluster.SiloPort}"));
        candidates.Add((new IPEndPoint(address, cluster.GatewayPort), "Marketplace:Cluster:GatewayPort", $"{cluster.Address}:{cluster.GatewayPort}"));
        foreach (var (endpoint, setting, shown) in candidates)
        {
            if (endpoint.Port != 0 && InUse(endpoint))
            {
                var example = setting == "Marketplace:Http:Urls"
                    ? string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{endpoint.Port + 1}")
                    : (endpoint.Port + 1).ToString(CultureInfo.InvariantCulture);
                return $"Marketplace silo: {shown} is already in use by another process; set {setting} to a free one (e.g. --{setting}={example}) or stop that process.";
            }
        }

        return null;
    }

    private static IEnumerable<string> HttpUrls(IConfiguration configuration)
    {
        var urls = configuration["Marketplace:Http:Urls"];
        if (string.IsNullOrWhiteSpace(urls))
        {
            // Other ASP.NET Core keys (urls, Kestrel:Endpoints) are the operator's own; only the default is probed.
            urls = string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey]) && !configuration.GetSection("Kestrel:Endpoints").Exists()
                ? MarketplaceSiloHost.DefaultHttpUrl
                : "";
        }

        return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static IPEndPoint? HttpEndpoint(string url)
    {
        // Kestrel's wildcards (*, +) are not valid URI hosts; read them as any address.
        var normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var host = uri.Host.Trim('[', ']');
        IPAddress? ip = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed : null;
        return ip is null ? null : new IPEndPoint(ip, uri.Port);
    }

    private static bool InUse(IPEndPoint endpoint)
    {
        try
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            // SO_REUSEADDR alone, as listeners set it: a port left in TIME_WAIT by a stopped silo is free, one somebody
            // listens on is not. (.NET's ReuseAddress adds SO_REUSEPORT on Unix, which would share a listening port.)
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(1, 2, BitConverter.GetBytes(1));
            }
            else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
            {
                socket.SetRawSocketOption(0xffff, 4, BitConverter.GetBytes(1));
            }

            socket.Bind(endpoint);
            return false;
        }
        catch (SocketException failure) when (failure.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return true;
        }
        catch (SocketException)
        {
            // Not a local address, no IPv6, ...: the start reports it in its own words.
            return false;
        }
    }
}
