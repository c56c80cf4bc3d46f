using System.Net;
using System.Net.Sockets;

namespace Marketplace.Readme.Tests;

/// <summary>
/// The loopback ports a silo on embedded defaults listens on, which the README's blocks assume are free.
/// </summary>
internal static class LoopbackPorts
{
    /// <summary>The HTTP API, the grain gateway and the silo-to-silo port of <c>silo/appsettings.json</c>.</summary>
    public static readonly IReadOnlyList<int> SiloDefaults = [8080, 30000, 11111];

    /// <summary>
    /// Throws, naming the port and how to find its holder, when one of <see cref="SiloDefaults"/> is taken: a
    /// block's silo could not start there, and its <c>curl</c> and CLI calls would reach whatever listens instead.
    /// </summary>
    public static void RequireSiloDefaultsFree() => RequireFree(SiloDefaults);

    /// <summary>Throws, naming the first taken port of <paramref name="ports"/> and how to find its holder.</summary>
    public static void RequireFree(IReadOnlyList<int> ports)
    {
        foreach (var port in ports)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new InvalidOperationException(
                    $"Port {port} on 127.0.0.1 is taken (see `ss -ltnp 'sport = :{port}'`). The README's blocks start a silo on the "
                    + $"default ports {string.Join(", ", SiloDefaults)}: stop the silo or container holding it and run the tests again.", e);
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}
