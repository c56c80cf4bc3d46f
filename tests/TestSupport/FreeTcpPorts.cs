using System.Net;
using System.Net.Sockets;

namespace Marketplace.TestSupport;

/// <summary>
/// Ports for test silos. Orleans needs its silo and gateway ports before it binds them (port 0 is not supported), so
/// tests take ports the OS hands out for loopback listeners. Ports are handed out once per process, so two silos of
/// one test run never get the same port even when the OS would reuse it.
/// </summary>
public static class FreeTcpPorts
{
    private static readonly HashSet<int> Given = [];

    /// <summary>A loopback TCP port that was free a moment ago and was not handed out before in this process.</summary>
    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
