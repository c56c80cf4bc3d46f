using System.Net;
using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Networking;
using Marketplace.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Runtime.Tests.Networking;

/// <summary>A real in-process silo with its gateway on a loopback port (ephemeral unless given), and its log lines.</summary>
public sealed class GatewaySilo : IAsyncDisposable
{
    private GatewaySilo(TestSilo silo, LogCapture logs)
    {
        Silo = silo;
        Logs = logs;
        Endpoint = silo.Services.GetRequiredService<GatewayListener>().Endpoint!;
    }

    public TestSilo Silo { get; }

    public LogCapture Logs { get; }

    public IPEndPoint Endpoint { get; }

    public int Port => Endpoint.Port;

    internal GatewayListener Listener => Silo.Services.GetRequiredService<GatewayListener>();

    public static async Task<GatewaySilo> StartAsync(int port = 0, Action<GatewayOptions>? gateway = null)
    {
        var logs = new LogCapture();
        var silo = await TestSilo.StartAsync(s =>
        {
            s.Services.AddSingleton<ILoggerProvider>(logs);
            s.Services.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Debug);
            s.UseGateway(o =>
            {
                o.Port = port;
                gateway?.Invoke(o);
            });
        });
        return new GatewaySilo(silo, logs);
    }

    /// <summary>A connected client for this silo.</summary>
    public async Task<IClusterClient> ConnectClientAsync(Action<ClientOptions>? configure = null)
    {
        var client = new ClientBuilder()
            .Configure(o =>
            {
                o.GatewayEndpoints.Add(Endpoint.ToString());
                configure?.Invoke(o);
            })
            .Build();
        await client.ConnectAsync();
        return client;
    }

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
