using System.Net;

namespace Marketplace.Runtime.Messaging;

/// <summary>
/// A silo's identity: endpoint plus generation (seconds since 2022-01-01 at start), so a restart on the same endpoint
/// is a new silo. Text form <c>host:port@generation</c>.
/// </summary>
internal sealed record SiloAddress(string Host, int Port, int Generation)
{
    private static readonly DateTime Epoch = new(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A new local silo address with a fresh generation.</summary>
    public static SiloAddress NewLocal(int port = 0) =>
        new(Dns.GetHostName(), port, (int)(DateTime.UtcNow - Epoch).TotalSeconds);

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port}@{Generation}";
}
