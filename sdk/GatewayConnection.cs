// Design: Orleans hosts its client in a generic host. Operators' tools (the CLI's gateway mode, bench/Jobs, tests) want
// "connect to these gateways, give me a client, close it when done", so this wraps that host: static clustering over
// the listed gateways, the cluster id, one connection attempt round with a clear error when no gateway answers.
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Marketplace.Sdk;

/// <summary>
/// A connected Orleans <see cref="IClusterClient"/> for operators' own services: the grain client reaches every grain
/// with no authentication, so it belongs inside the operators' trusted boundary (the gateway listens on loopback or a
/// private address). Public users go through the HTTP API with keys (<see cref="HttpMarketplaceClient"/>).
/// </summary>
public sealed class GatewayConnection : IAsyncDisposable
{
    /// <summary>The gateway used when none is given.</summary>
    public const string DefaultGateway = "127.0.0.1:30000";

    /// <summary>How long <see cref="ConnectAsync"/> tries by default: 10 s.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The cluster id silos use by default.</summary>
    public const string DefaultClusterId = "dev";

    private readonly IHost _host;

    private GatewayConnection(IHost host, IReadOnlyList<IPEndPoint> gateways)
    {
        _host = host;
        Gateways = gateways;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The connected client.</summary>
    public IClusterClient Client { get; }

    /// <summary>The gateways this connection was configured with.</summary>
    public IReadOnlyList<IPEndPoint> Gateways { get; }

    /// <summary>
    /// Connects to a cluster through one of <paramref name="gateways"/> (<c>host:port</c>, IP literal or host name;
    /// Orleans balances calls across the ones that answer and moves off one that fails).
    /// </summary>
    /// <param name="gateways">At least one gateway; empty means <see cref="DefaultGateway"/>.</param>
    /// <param name="clusterId">The silos' cluster id (<c>Marketplace:Cluster:ClusterId</c>).</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <param name="connectTimeout">How long to try before giving up (default <see cref="DefaultConnectTimeout"/>);
    /// Orleans' client would otherwise keep retrying an unreachable gateway for minutes.</param>
    /// <exception cref="ArgumentException">A gateway is not <c>host:port</c>.</exception>
    /// <exception cref="SiloUnavailableException">No gateway could be reached within the timeout.</exception>
    public static async Task<GatewayConnection> ConnectAsync(
        IReadOnlyList<string> gateways, string clusterId = DefaultClusterId, CancellationToken cancellationToken = default, TimeSpan? connectTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        var endpoints = new List<IPEndPoint>();
        foreach (var gateway in gateways.Count == 0 ? [DefaultGateway] : gateways)
        {
            endpoints.Add(await ResolveAsync(gateway, cancellationToken).ConfigureAwait(false));
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(endpoints.ToArray());
            client.Configure<ClusterOptions>(o => o.ClusterId = clusterId);
            // The caller's Activity (W3C trace context) travels with each grain call, so the silos' spans join its trace.
            client.AddActivityPropagation();
        });
        var host = builder.Build();
        var timeout = connectTimeout ?? DefaultConnectTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await host.StartAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new SiloUnavailableException($"No gateway of cluster '{clusterId}' answered at {string.Join(", ", endpoints)} within {timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException and not SiloUnavailableException)
        {
            host.Dispose();
            throw new SiloUnavailableException($"No gateway of cluster '{clusterId}' answered at {string.Join(", ", endpoints)}: {e.Message}", e);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new GatewayConnection(host, endpoints);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }

    private static async Task<IPEndPoint> ResolveAsync(string gateway, CancellationToken cancellationToken)
    {
        var colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"Gateway '{gateway}' is not host:port.", nameof(gateway));
        }

        var host = gateway[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], port)
            : throw new ArgumentException($"Gateway host '{host}' has no address.", nameof(gateway));
    }
}
