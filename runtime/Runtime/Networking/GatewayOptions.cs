namespace Marketplace.Runtime.Hosting;

/// <summary>
/// The silo's client gateway: a TCP port clients connect to (configuration section <c>Marketplace:Gateway</c>).
/// Enabled with <c>siloBuilder.UseGateway(...)</c>.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Default <see cref="Port"/>: 30000 (Orleans' gateway port).</summary>
    public const int DEFAULT_PORT = 30000;

    /// <summary>Default <see cref="ListenAddress"/>: loopback only.</summary>
    public const string DEFAULT_LISTEN_ADDRESS = "127.0.0.1";

    /// <summary>Default <see cref="MaxFrameBytes"/>: 16 MiB.</summary>
    public const int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

    /// <summary>TCP port to listen on; 0 picks a free (ephemeral) port, readable afterwards from the gateway's endpoint.</summary>
    public int Port { get; set; } = DEFAULT_PORT;

    /// <summary>IP address to listen on (IPv4 or IPv6 literal).</summary>
    public string ListenAddress { get; set; } = DEFAULT_LISTEN_ADDRESS;

    /// <summary>
    /// Largest accepted message frame (excluding the 4-byte length prefix). A client announcing a larger frame is
    /// disconnected; the silo keeps serving other connections.
    /// </summary>
    public int MaxFrameBytes { get; set; } = DEFAULT_MAX_FRAME_BYTES;

    /// <summary>Default <see cref="MaxPendingBytesPerConnection"/>: 64 MiB.</summary>
    public const int DEFAULT_MAX_PENDING_BYTES_PER_CONNECTION = 64 * 1024 * 1024;

    /// <summary>
    /// Largest amount of response bytes queued for one client that does not read them. Beyond it the connection is
    /// closed (logged), so a stalled client cannot make the silo buffer without bound.
    /// </summary>
    public int MaxPendingBytesPerConnection { get; set; } = DEFAULT_MAX_PENDING_BYTES_PER_CONNECTION;

    /// <summary>How long a new connection may take to send its preamble before it is closed.</summary>
    public TimeSpan PreambleTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
