using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Sdk;

/// <summary>
/// Builds a grain client without a host:
/// <c>await using var client = new ClientBuilder().Configure(o => o.GatewayEndpoints.Add("127.0.0.1:30000")).Build();</c>
/// then <c>await client.ConnectAsync();</c>.
/// </summary>
public sealed class ClientBuilder
{
    private readonly ClientOptions _options = new();
    private ILoggerFactory _loggers = NullLoggerFactory.Instance;

    /// <summary>Adjusts the client options.</summary>
    public ClientBuilder Configure(Action<ClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_options);
        return this;
    }

    /// <summary>Sets where the client logs (default: nowhere).</summary>
    public ClientBuilder UseLoggerFactory(ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _loggers = loggers;
        return this;
    }

    /// <summary>Creates the client (not yet connected: call <see cref="IClusterClient.ConnectAsync"/>).</summary>
    /// <exception cref="ArgumentException">An option is invalid (e.g. an endpoint that is not host:port).</exception>
    public IClusterClient Build() => new ClusterClient(_options, _loggers);
}
