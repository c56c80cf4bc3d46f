using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Tests.Grains;
using Marketplace.Runtime.Tests.Networking;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Runtime.Tests.Client;

/// <summary>Client → silo calls over real TCP on loopback, the silo host running in process.</summary>
public sealed class ClientCallTests : IAsyncLifetime
{
    private GatewaySilo _silo = null!;
    private IClusterClient _client = null!;

    public async Task InitializeAsync()
    {
        _silo = await GatewaySilo.StartAsync();
        _client = await _silo.ConnectClientAsync(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Call_returns_the_grain_result()
    {
        var grain = _client.GetGrain<IBehaviourGrain>("calc");
        Assert.Equal(5, await grain.Add(2, 3));
        Assert.Equal(-7, await grain.Add(-10, 3));
        await grain.Nothing();
        Assert.True(_client.IsConnected);
    }

    [Fact]
    public async Task Call_runs_on_the_silo_activation()
    {
        var fromClient = await _client.GetGrain<IBehaviourGrain>("same").Identity();
        var fromSilo = await _silo.Silo.Grains.GetGrain<IBehaviourGrain>("same").Identity();
        Assert.Equal(fromSilo, fromClient);
    }

    [Fact]
    public async Task Serializable_arguments_and_results_round_trip()
    {
        var payload = new Payload { Items = [1, 2, 3], Note = "n" };
        var result = await _client.GetGrain<IBehaviourGrain>("payload").Mutate(payload);
        Assert.NotSame(payload, result);
        Assert.Equal([1, 2, 3], payload.Items);
        Assert.Equal([1, 2, 3, 99], result.Items);
        Assert.Equal("mutated", result.Note);
    }

    [Fact]
    public async Task Grain_exception_reaches_the_caller_with_type_and_message()
    {
        var grain = _client.GetGrain<IBehaviourGrain>("thrower");
        var builtIn = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("boom over tcp"));
        Assert.Equal("boom over tcp", builtIn.Message);

        var custom = await Assert.ThrowsAnyAsync<Exception>(() => grain.ThrowCustom("custom over tcp"));
        Assert.Contains("custom over tcp", custom.Message, StringComparison.Ordinal);
        Assert.True(
            custom is CustomGrainException || (custom is RemoteGrainException r && r.OriginalTypeName.Contains(nameof(CustomGrainException), StringComparison.Ordinal)),
            $"unexpected {custom.GetType()}: {custom.Message}");

        Assert.Equal(3, await grain.Add(1, 2));
    }

    [Fact]
    public async Task Unanswered_call_times_out_and_the_connection_keeps_working()
    {
        await using var client = await _silo.ConnectClientAsync(o => o.ResponseTimeout = TimeSpan.FromMilliseconds(300));
        var started = Environment.TickCount64;
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => client.GetGrain<IWorkerGrain>(7).Work(3000));
        var elapsed = Environment.TickCount64 - started;
        Assert.InRange(elapsed, 250, 2500);
        Assert.Contains("Work", timeout.Message, StringComparison.Ordinal);
        Assert.Equal(9, await client.GetGrain<IBehaviourGrain>("fast").Add(4, 5));
    }

    [Fact]
    public async Task Per_method_response_timeout_overrides_the_client_option()
    {
        var started = Environment.TickCount64;
        await Assert.ThrowsAsync<TimeoutException>(() => _client.GetGrain<IBehaviourGrain>("hang").Hang(3000));
        Assert.InRange(Environment.TickCount64 - started, 250, 2500);
    }

    [Fact]
    public async Task Concurrent_callers_get_their_own_results()
    {
        const int callers = 64;
        const int callsEach = 40;
        var tasks = new Task[callers];
        for (var c = 0; c < callers; c++)
        {
            var caller = c;
            tasks[c] = Task.Run(async () =>
            {
                var grain = _client.GetGrain<IBehaviourGrain>($"grain-{caller % 8}");
                for (var i = 0; i < callsEach; i++)
                {
                    Assert.Equal((caller * 1000) + i + 7, await grain.Add(caller * 1000, i + 7));
                }
            });
        }

        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Request_context_set_on_the_client_reaches_the_grain()
    {
        RequestContext.Set("tenant", "acme");
        try
        {
            Assert.Equal("acme", await _client.GetGrain<IBehaviourGrain>("context").GetContextValue("tenant"));
        }
        finally
        {
            RequestContext.Clear();
        }

        Assert.Null(await _client.GetGrain<IBehaviourGrain>("context").GetContextValue("tenant"));
    }

    [Fact]
    public async Task Grain_reference_passed_as_argument_is_called_by_the_silo()
    {
        var a = _client.GetGrain<IBehaviourGrain>("through-a");
        var b = _client.GetGrain<IBehaviourGrain>("through-b");
        Assert.Equal("42", await a.CallThrough(b));
    }

    [Fact]
    public async Task Returned_grain_reference_routes_over_the_client_connection()
    {
        var self = await _client.GetGrain<IBehaviourGrain>("returned").Self();
        var reference = Assert.IsAssignableFrom<GrainReference>(self);
        Assert.Same(_client, reference.Runtime.GrainFactory);
        Assert.Equal(11, await self.Add(5, 6));
        Assert.Equal(
            await _client.GetGrain<IBehaviourGrain>("returned").Identity(),
            await self.Identity());
    }

    [Fact]
    public async Task Client_from_the_generic_host_connects_on_start()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseMarketplaceClient(o => o.GatewayEndpoints.Add(_silo.Endpoint.ToString()));
        using var host = builder.Build();
        await host.StartAsync();
        var client = (IClusterClient)host.Services.GetService(typeof(IClusterClient))!;
        Assert.True(client.IsConnected);
        Assert.Equal(2, await client.GetGrain<IBehaviourGrain>("hosted").Add(1, 1));
        await host.StopAsync();
        Assert.False(client.IsConnected);
    }
}
