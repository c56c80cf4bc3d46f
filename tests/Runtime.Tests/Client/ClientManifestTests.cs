using System.Net;
using System.Net.Sockets;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Serialization;
using Marketplace.Runtime.Tests.Grains;
using Marketplace.Runtime.Tests.Networking;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Runtime.Tests.Client;

/// <summary>A grain interface the cluster never implements.</summary>
public interface IUnimplementedGrain : IGrainWithStringKey
{
    /// <summary>Never answered.</summary>
    Task<int> Ping();
}

/// <summary>A grain interface whose implementation is registered only later in the test run.</summary>
public interface ILateRegisteredGrain : IGrainWithStringKey
{
    /// <summary>Never called.</summary>
    Task<int> Ping();
}

/// <summary>
/// Clients that know only grain interfaces: interface → grain type comes from the manifest the gateway sends in its
/// handshake (the client ignores the grain classes loaded in this test process via UseLocalGrainClasses = false).
/// </summary>
public sealed class ClientManifestTests
{
    [Fact]
    public async Task Client_without_local_grain_classes_resolves_and_calls_through_the_manifest()
    {
        await using var silo = await GatewaySilo.StartAsync();
        await using var client = await silo.ConnectClientAsync(o => o.UseLocalGrainClasses = false);
        var grain = client.GetGrain<IBehaviourGrain>("manifest");
        Assert.Equal(5, await grain.Add(2, 3));
        Assert.Equal(Marketplace.Runtime.Catalog.GrainTypeResolver.Resolve(typeof(IBehaviourGrain), null), ((GrainReference)grain).GrainId.Type);
    }

    [Fact]
    public async Task Reference_created_before_the_manifest_is_known_resolves_at_its_first_call()
    {
        await using var silo = await GatewaySilo.StartAsync();
        await using var client = new ClientBuilder()
            .Configure(o =>
            {
                o.GatewayEndpoints.Add(silo.Endpoint.ToString());
                o.UseLocalGrainClasses = false;
            })
            .Build();
        var early = client.GetGrain<IBehaviourGrain>("early");
        await client.ConnectAsync();
        Assert.Equal(9, await early.Add(4, 5));
        Assert.Equal(9, await client.GetGrain<IBehaviourGrain>("early").Add(4, 5));
    }

    [Fact]
    public async Task Interface_without_implementation_fails_the_call_with_a_typed_error_naming_it()
    {
        await using var silo = await GatewaySilo.StartAsync();
        await using var client = await silo.ConnectClientAsync(o => o.UseLocalGrainClasses = false);
        var grain = client.GetGrain<IUnimplementedGrain>("nobody"); // Local: never fails.
        var error = await Assert.ThrowsAsync<GrainTypeNotFoundException>(() => grain.Ping());
        Assert.Contains(typeof(IUnimplementedGrain).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, await client.GetGrain<IBehaviourGrain>("still-works").Add(1, 2));
    }

    [Fact]
    public async Task Manifest_is_refreshed_when_the_client_reconnects_to_a_restarted_silo()
    {
        var first = await GatewaySilo.StartAsync();
        var port = first.Port;
        await using var client = await first.ConnectClientAsync(o =>
        {
            o.UseLocalGrainClasses = false;
            o.ReconnectDelay = TimeSpan.FromMilliseconds(100);
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        });
        var late = client.GetGrain<ILateRegisteredGrain>("late");
        await Assert.ThrowsAsync<GrainTypeNotFoundException>(() => late.Ping());
        await first.DisposeAsync();
        var lostBy = Environment.TickCount64 + 10_000;
        while (client.IsConnected && Environment.TickCount64 < lostBy)
        {
            await Task.Delay(10); // The client notices the closed connection asynchronously.
        }

        Assert.False(client.IsConnected, "the client did not notice the silo stopping within 10 s");

        // The restarted silo hosts one more grain type (registered as generated code would register it).
        GrainClassRegistry.Register(new GrainClassMetadata
        {
            GrainClass = typeof(LateRegisteredClass),
            GrainType = "late-registered",
            Interfaces = [typeof(ILateRegisteredGrain)],
            Factory = (_, _) => throw new NotSupportedException("never activated in this test"),
        });
        await using var second = await GatewaySilo.StartAsync(port);
        var deadline = Environment.TickCount64 + 10_000;
        while (!client.IsConnected && Environment.TickCount64 < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(client.IsConnected, "the client did not reconnect within 10 s");
        Assert.Equal("late-registered", ((GrainReference)client.GetGrain<ILateRegisteredGrain>("late")).GrainId.Type);
        Assert.Equal(7, await client.GetGrain<IBehaviourGrain>("after-restart").Add(3, 4));
    }

    [Fact]
    public async Task Malformed_manifest_from_a_gateway_is_a_typed_connect_error()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var fakeGateway = ServeBadPreambleAsync(listener);
        await using var client = new ClientBuilder()
            .Configure(o =>
            {
                o.GatewayEndpoints.Add(listener.LocalEndPoint!.ToString()!);
                o.ConnectTimeout = TimeSpan.FromSeconds(5);
            })
            .Build();
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.ConnectAsync());
        Assert.Contains("grain manifest", error.Message, StringComparison.Ordinal);
        await fakeGateway;
    }

    private static async Task ServeBadPreambleAsync(Socket listener)
    {
        using var socket = await listener.AcceptAsync();
        var prefix = new byte[4];
        await socket.ReceiveAsync(prefix, SocketFlags.None);
        using var writer = CodecWriter.Rent();
        var start = writer.BeginObject();
        writer.WriteFieldHeader(0, WireType.VarInt);
        writer.WriteVarUInt64(Marketplace.Runtime.Networking.ConnectionPreamble.CurrentProtocolVersion);
        writer.WriteFieldHeader(1, WireType.LengthPrefixed);
        writer.WriteString("dev");
        writer.WriteFieldHeader(3, WireType.LengthPrefixed);
        writer.WriteString("Some.IGrain");
        writer.WriteFieldHeader(5, WireType.LengthPrefixed); // Grain class without its grain type.
        writer.WriteString("Some.Grain");
        writer.EndObject(start);
        await socket.SendAsync(writer.ToArray(), SocketFlags.None);
        var drain = new byte[1024];
        while (await socket.ReceiveAsync(drain, SocketFlags.None) > 0)
        {
        }
    }

    private sealed class LateRegisteredClass;
}
