// Design: Orleans hosts its client in a generic host. Operators' tools (the CLI's gateway mode, bench/Jobs, tests) want
// "connect to these gateways, give me a client, close it when done", so this wraps that host: static clustering over
// the listed gateways, the cluster id, one connection attempt round with a clear error when no gateway answers.
using System.Net;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Marketplace.Sdk;

/// <summary>
/// A connected Orleans <see cref="IClusterClient"/> for operators' own services, connected as one operator service
/// (<see cref="GatewayCredential"/>): the silos admit a connection only after it proves the service's secret, and run a
/// call only when it carries the service's token and stays within what the service may do (an operator service
/// anything; a service bound to one client only that client's calls). Public users go through the HTTP API with keys
/// (<see cref="HttpMarketplaceClient"/>).
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
    /// <param name="credential">The operator service to connect as (<c>Marketplace:Gateway:Services</c> on the
    /// silos): each connection proves its secret and each call carries a token signed with it.</param>
    /// <param name="clusterId">The silos' cluster id (<c>Marketplace:Cluster:ClusterId</c>).</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <param name="connectTimeout">How long to try before giving up (default <see cref="DefaultConnectTimeout"/>);
    /// Orleans' client would otherwise keep retrying an unreachable gateway for minutes.</param>
    /// <exception cref="ArgumentException">A gateway is not <c>host:port</c>.</exception>
    /// <exception cref="SiloUnavailableException">No gateway could be reached within the timeout.</exception>
    /// <exception cref="GatewayRefusedException">A gateway refused the credential (unknown service, wrong secret); the
    /// message has the silo's reason.</exception>
    public static async Task<GatewayConnection> ConnectAsync(
        IReadOnlyList<string> gateways, GatewayCredential credential, string clusterId = DefaultClusterId, CancellationToken cancellationToken = default, TimeSpan? connectTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        var endpoints = new List<IPEndPoint>();
        foreach (var gateway in gateways.Count == 0 ? [DefaultGateway] : gateways)
        {
            endpoints.Add(await ResolveAsync(gateway, cancellationToken).ConfigureAwait(false));
        }

        var handshake = new GatewayClientHandshake(credential);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(endpoints.ToArray());
            client.Configure<ClusterOptions>(o => o.ClusterId = clusterId);
            // The caller's Activity (W3C trace context) travels with each grain call, so the silos' spans join its trace.
            client.AddActivityPropagation();
            // The credential check before Orleans' preamble on every gateway connection, and the call token on every
            // grain call (the silos refuse calls without one).
            client.Services.AddSingleton(handshake);
            client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(connection => connection.Use(next => context => handshake.RunAsync(context, next))));
            client.AddOutgoingGrainCallFilter(new GatewayCallTokens(credential, TimeProvider.System));
        });
        var host = builder.Build();
        var timeout = connectTimeout ?? DefaultConnectTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // A refusal ends the attempt at once: the client would otherwise retry the same credential until the
            // deadline.
            var start = host.StartAsync(deadline.Token);
            if (await Task.WhenAny(start, handshake.Refusal).ConfigureAwait(false) != start)
            {
                deadline.Cancel();
                await IgnoreFailure(start).ConfigureAwait(false);
                throw await handshake.Refusal.ConfigureAwait(false);
            }

            await start.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            if (handshake.Refusal.IsCompleted)
            {
                throw await handshake.Refusal.ConfigureAwait(false);
            }

            throw new SiloUnavailableException($"No gateway of cluster '{clusterId}' answered at {string.Join(", ", endpoints)} within {timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException and not SiloUnavailableException and not GatewayRefusedException)
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

    // Waits for a start that was cancelled, whatever it ends with: the refusal is what the caller hears.
    private static async Task IgnoreFailure(Task start)
    {
        try
        {
            await start.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled by the refusal, as intended.
        }
        catch (OrleansException)
        {
            // The client's own report of the refused connection; the refusal says more.
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
