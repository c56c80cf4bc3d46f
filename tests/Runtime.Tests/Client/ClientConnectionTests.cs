using System.Net;
using System.Net.Sockets;
using Marketplace.Runtime.Tests.Grains;
using Marketplace.Runtime.Tests.Networking;
using Marketplace.Sdk;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Marketplace.Runtime.Tests.Client;

/// <summary>Connecting, losing the gateway, reconnecting after it comes back on the same port, unreachable clusters.</summary>
public sealed class ClientConnectionTests
{
    [Fact]
    public async Task Connect_fails_with_a_typed_error_when_no_silo_listens()
    {
        var port = FreePort();
        await using var client = new ClientBuilder()
            .Configure(o =>
            {
                o.GatewayEndpoints.Add($"127.0.0.1:{port}");
                o.ConnectTimeout = TimeSpan.FromSeconds(2);
            })
            .Build();
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.ConnectAsync());
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("No silo gateway is reachable", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Call_before_connect_fails_with_a_typed_error()
    {
        await using var client = new ClientBuilder().Configure(o => o.GatewayEndpoints.Add($"127.0.0.1:{FreePort()}")).Build();
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.GetGrain<IBehaviourGrain>("x").Add(1, 2).AsTask());
        Assert.Contains("ConnectAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_cluster_id_is_refused_by_the_gateway()
    {
        await using var silo = await GatewaySilo.StartAsync();
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => silo.ConnectClientAsync(o => o.ClusterId = "other-cluster"));
        Assert.Contains("other-cluster", error.Message, StringComparison.Ordinal);
        await silo.Logs.WaitForAsync(2005, "cluster id 'other-cluster'");
    }

    [Fact]
    public async Task Second_gateway_is_used_when_the_first_is_down()
    {
        await using var silo = await GatewaySilo.StartAsync();
        await using var client = new ClientBuilder()
            .Configure(o =>
            {
                o.GatewayEndpoints.Add($"127.0.0.1:{FreePort()}");
                o.GatewayEndpoints.Add(silo.Endpoint.ToString());
            })
            .Build();
        await client.ConnectAsync();
        Assert.Equal(3, await client.GetGrain<IBehaviourGrain>("second").Add(1, 2));
    }

    [Fact]
    public async Task Client_reconnects_after_the_silo_restarts_on_the_same_port()
    {
        var first = await GatewaySilo.StartAsync();
        var port = first.Port;
        await using var client = await first.ConnectClientAsync(o =>
        {
            o.ReconnectDelay = TimeSpan.FromMilliseconds(100);
            o.ReconnectWaitTimeout = TimeSpan.FromMilliseconds(300);
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        });
        var grain = client.GetGrain<IBehaviourGrain>("restart");
        Assert.Equal(3, await grain.Add(1, 2));

        var pending = client.GetGrain<IWorkerGrain>(1).Work(2_000);
        await Task.Delay(100);
        await first.DisposeAsync();

        var lost = await Assert.ThrowsAsync<ConnectionToClusterLostException>(() => pending);
        Assert.Contains("outcome is unknown", lost.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);

        var down = await Assert.ThrowsAsync<SiloUnavailableException>(() => grain.Add(1, 1).AsTask());
        Assert.Contains("Not connected", down.Message, StringComparison.Ordinal);

        await using var second = await GatewaySilo.StartAsync(port);
        var deadline = Environment.TickCount64 + 10_000;
        while (!client.IsConnected && Environment.TickCount64 < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(client.IsConnected, "the client did not reconnect within 10 s");
        Assert.Equal(7, await grain.Add(3, 4));
    }

    [Fact]
    public async Task Call_made_while_reconnecting_waits_for_the_connection()
    {
        var first = await GatewaySilo.StartAsync();
        var port = first.Port;
        await using var client = await first.ConnectClientAsync(o =>
        {
            o.ReconnectDelay = TimeSpan.FromMilliseconds(100);
            o.ReconnectWaitTimeout = TimeSpan.FromSeconds(10);
        });
        var grain = client.GetGrain<IBehaviourGrain>("waiting");
        Assert.Equal(2, await grain.Add(1, 1));
        await first.DisposeAsync();
        var deadline = Environment.TickCount64 + 5_000;
        while (client.IsConnected && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20);
        }

        var call = grain.Add(20, 22).AsTask();
        await Task.Delay(300);
        Assert.False(call.IsCompleted);
        await using var second = await GatewaySilo.StartAsync(port);
        Assert.Equal(42, await call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Endpoint_that_is_not_host_and_port_is_rejected_when_building()
    {
        var error = Assert.Throws<ArgumentException>(() => new ClientBuilder().Configure(o => o.GatewayEndpoints.Add("no-port")).Build());
        Assert.Contains("'no-port'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hosted_client_binds_its_options_from_configuration()
    {
        await using var silo = await GatewaySilo.StartAsync();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Marketplace:Client:GatewayEndpoints:0"] = $"localhost:{silo.Port}",
            ["Marketplace:Client:ClusterId"] = "dev",
        });
        builder.UseMarketplaceClient();
        using var host = builder.Build();
        await host.StartAsync();
        var client = (IClusterClient)host.Services.GetService(typeof(IClusterClient))!;
        Assert.Equal(6, await client.GetGrain<IBehaviourGrain>("configured").Add(3, 3));
        await host.StopAsync();
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
