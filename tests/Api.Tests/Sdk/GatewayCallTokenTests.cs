using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Xunit;

namespace Marketplace.Api.Tests.Sdk;

/// <summary>
/// A client that passes the connection check but sends calls without a valid token (none, another service's MAC,
/// expired, or claiming to last longer than allowed): every such call is refused before the grain runs, with the reason.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayCallTokenTests(GatewaySiloFixture fixture)
{
    private static readonly GatewayCredential Operator = new(TestGatewayServices.Operator, TestGatewayServices.OperatorSecret);

    public static TheoryData<string, string> BadTokens => new()
    {
        { "none", "carries no gateway credential" },
        { "garbage", "carries no gateway credential" },
        { "wrong-secret", "wrong secret" },
        { "expired", "expired" },
        { "too-long", "more than 600 s" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_call_without_a_valid_token_is_refused_before_the_grain_runs(string kind, string expected)
    {
        var now = DateTimeOffset.UtcNow;
        string? token = kind switch
        {
            "none" => null,
            "garbage" => "v1.tests-operator.x.y",
            "wrong-secret" => GatewayProtocol.CallToken(new GatewayCredential(TestGatewayServices.Operator, "another-secret-of-the-same-length-0000"), now.AddMinutes(2)),
            "expired" => GatewayProtocol.CallToken(Operator, now.AddMinutes(-2)),
            "too-long" => GatewayProtocol.CallToken(Operator, now.AddHours(2)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var host = await ConnectWithTokenAsync(token);
        var client = host.Services.GetRequiredService<IClusterClient>();
        var clientId = "token-" + kind;
        var refused = await Assert.ThrowsAsync<GatewayRefusedException>(() => client.GetGrain<IClientJobsGrain>(clientId).ListAsync(null, null, 10));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);

        // A well-formed call of the same client with the sdk's own token passes.
        var good = await fixture.Silo.ConnectAsync();
        Assert.NotNull(await good.GetGrain<IClientJobsGrain>(clientId).ListAsync(null, null, 10));
    }

    // An Orleans client with the sdk's connection check and a fixed token (or none) in every call.
    private async Task<IHost> ConnectWithTokenAsync(string? token)
    {
        var handshake = new GatewayClientHandshake(Operator);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(System.Net.IPEndPoint.Parse(fixture.Silo.Gateway));
            client.Configure<ClusterOptions>(o => o.ClusterId = GatewayConnection.DefaultClusterId);
            client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(connection => connection.Use(next => context => handshake.RunAsync(context, next))));
            client.AddOutgoingGrainCallFilter(context =>
            {
                if (token is null)
                {
                    RequestContext.Remove(GatewayProtocol.CallTokenKey);
                }
                else
                {
                    RequestContext.Set(GatewayProtocol.CallTokenKey, token);
                }

                return context.Invoke();
            });
        });
        var host = builder.Build();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(deadline.Token);
        return host;
    }
}
