using System.Net;
using System.Net.Sockets;

namespace Marketplace.Persistence.PostgreSql.Tests.Support;

/// <summary>Picks loopback TCP ports no one listens on, for silo and gateway endpoints.</summary>
public static class FreePort
{
    /// <summary>A port the operating system just handed out and released.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
