using Marketplace.Runtime;

namespace Marketplace.Sdk;

/// <summary>Grain client settings (configuration section <c>Marketplace:Client</c>).</summary>
public sealed class ClientOptions
{
    /// <summary>Gateway used when <see cref="GatewayEndpoints"/> is empty.</summary>
    public const string DEFAULT_GATEWAY_ENDPOINT = "127.0.0.1:30000";

    /// <summary>Default <see cref="ClusterId"/> (the silo's default).</summary>
    public const string DEFAULT_CLUSTER_ID = "dev";

    /// <summary>Default <see cref="ResponseTimeout"/>: 30 s.</summary>
    public static readonly TimeSpan DEFAULT_RESPONSE_TIMEOUT = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Silo gateways as <c>host:port</c> (IP literal or host name), tried in order, then round-robin on reconnect.
    /// Empty means <see cref="DEFAULT_GATEWAY_ENDPOINT"/>.
    /// </summary>
    public List<string> GatewayEndpoints { get; set; } = [];

    /// <summary>Must equal the silo's <c>SiloOptions.ClusterId</c>; the gateway refuses other clusters.</summary>
    public string ClusterId { get; set; } = DEFAULT_CLUSTER_ID;

    /// <summary>How long a call waits for its response before a <see cref="TimeoutException"/> (per-method <c>[ResponseTimeout]</c> overrides).</summary>
    public TimeSpan ResponseTimeout { get; set; } = DEFAULT_RESPONSE_TIMEOUT;

    /// <summary>How long one connection attempt (TCP connect plus handshake) to one gateway may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause between reconnection rounds after the connection to the gateway was lost.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a call made while the client is reconnecting waits for the connection to come back before it fails
    /// with <see cref="SiloUnavailableException"/>. <see cref="TimeSpan.Zero"/> fails such calls at once.
    /// </summary>
    public TimeSpan ReconnectWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True (default): <c>GetGrain</c> first maps an interface to its grain type from grain classes loaded in this
    /// process (and <c>RegisterInterfaceMapping</c>); false: only from the cluster's grain manifest, which the gateway
    /// sends in its handshake and which is always the fallback. Clients need only the grain interfaces either way.
    /// </summary>
    public bool UseLocalGrainClasses { get; set; } = true;

    /// <summary>Largest response frame accepted from a gateway; a larger one closes the connection.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;
}
