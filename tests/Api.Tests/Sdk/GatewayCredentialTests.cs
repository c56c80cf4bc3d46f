using System.Net.Sockets;
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
/// The gateway asks who is calling: connections must prove an operator service's secret before Orleans reads them,
/// calls must carry the service's token, and a service bound to one client acts only as that client. Each case on a
/// real silo's gateway, as a hostile or mistaken client would try it.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayCredentialTests(GatewaySiloFixture fixture)
{
    private static readonly GatewayCredential Alice = new(TestGatewayServices.Alice, TestGatewayServices.AliceSecret);

    [Fact]
    public async Task A_plain_orleans_client_gets_no_grain_call_through()
    {
        // An Orleans client without the credential check: the silo refuses its connection at its first bytes, so the
        // client never connects and no grain runs (the deposit below was the attack that used to work).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        var endpoint = System.Net.IPEndPoint.Parse(fixture.Silo.Gateway);
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(endpoint);
            client.Configure<ClusterOptions>(o => o.ClusterId = GatewayConnection.DefaultClusterId);
        });
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        var started = false;
        try
        {
            await host.StartAsync(deadline.Token);
            started = true;
        }
        catch (Exception refused) when (refused is OperationCanceledException or OrleansException or TimeoutException)
        {
            // Expected: the client could not connect.
        }

        if (started)
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var deposit = client.GetGrain<ISettlement>(ISettlement.DefaultKey).DepositAsync("mallory", 1_000_000_000_000, "attack-" + Guid.NewGuid().ToString("N"));
            await Assert.ThrowsAnyAsync<Exception>(() => deposit.WaitAsync(TimeSpan.FromSeconds(20)));
        }

        var operatorClient = await fixture.Silo.ConnectAsync();
        var balance = await operatorClient.GetGrain<ISettlement>(ISettlement.DefaultKey).GetBalanceAsync("mallory");
        Assert.Equal(UInt128.Zero, balance.Available);
    }

    [Fact]
    public async Task Raw_bytes_that_are_not_a_credential_are_refused_with_a_reason_and_the_connection_closed()
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(System.Net.IPEndPoint.Parse(fixture.Silo.Gateway));
        var stream = socket.GetStream();
        var hello = new byte[GatewayProtocol.HelloLength];
        await stream.ReadExactlyAsync(hello).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("MPGW"u8.ToArray(), hello[..4]);
        Assert.Equal(GatewayProtocol.Version, hello[4]);

        // What an Orleans client sends first: a length-prefixed preamble.
        await stream.WriteAsync(new byte[] { 0x40, 0, 0, 0, 1, 2, 3, 4, 5, 6 });
        var verdict = new byte[3];
        await stream.ReadExactlyAsync(verdict).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(GatewayProtocol.Refused, verdict[0]);
        var reason = new byte[(verdict[1] << 8) | verdict[2]];
        await stream.ReadExactlyAsync(reason).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("no gateway credential", System.Text.Encoding.UTF8.GetString(reason), StringComparison.Ordinal);
        var rest = new byte[1];
        Assert.Equal(0, await stream.ReadAsync(rest).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_wrong_secret_and_an_unknown_service_are_refused_at_once_with_the_reason()
    {
        var wrong = new GatewayCredential(TestGatewayServices.Operator, "not-the-operator-secret-000000000000");
        var refused = await Assert.ThrowsAsync<GatewayRefusedException>(() => GatewayConnection.ConnectAsync([fixture.Silo.Gateway], wrong, connectTimeout: TimeSpan.FromSeconds(60)));
        Assert.Contains($"service '{TestGatewayServices.Operator}' refused", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-operator-secret", refused.Message, StringComparison.Ordinal);
        Assert.Equal("gateway_refused", refused.Code);

        var unknown = new GatewayCredential("nobody", TestGatewayServices.OperatorSecret);
        refused = await Assert.ThrowsAsync<GatewayRefusedException>(() => GatewayConnection.ConnectAsync([fixture.Silo.Gateway], unknown, connectTimeout: TimeSpan.FromSeconds(60)));
        Assert.Contains("unknown service or wrong secret", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_bound_to_a_client_works_as_that_client()
    {
        var client = new GrainMarketplaceClient(await fixture.Silo.ConnectAsync(Alice), TestGatewayServices.AliceClient);
        var name = "bound-echo-" + Guid.NewGuid().ToString("N")[..8];
        await client.DeployProgramAsync(SamplePrograms.Echo(name));
        using var content = new MemoryStream("bound service input"u8.ToArray());
        var blob = await client.UploadBlobAsync(content, "text/plain");
        Assert.Equal(blob.Id, (await client.GetBlobManifestAsync(blob.Id)).Id);
        var job = await client.SubmitJobAsync(new JobSubmission { Program = name, InputInline = "hello"u8.ToArray() });
        var done = await client.WaitForJobAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Completed, done.Status);
        var page = await client.ListJobsAsync();
        Assert.Contains(page.Items, summary => summary.JobId == job.JobId);
        Assert.NotEmpty((await client.ListWorkersAsync()).Items);
        await client.GetJobReceiptAsync(job.JobId);
    }

    [Fact]
    public async Task A_service_bound_to_a_client_cannot_act_as_another_or_as_an_operator()
    {
        var grains = await fixture.Silo.ConnectAsync(Alice);

        // Another client's job list, storage and jobs.
        var list = await Assert.ThrowsAsync<GatewayRefusedException>(() => grains.GetGrain<IClientJobsGrain>("bob").ListAsync(null, null, 10));
        Assert.Contains("acts only as client 'alice'", list.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<GatewayRefusedException>(() => grains.GetGrain<IClientStorageGrain>("bob").GetAsync());
        var asBob = new GrainMarketplaceClient(grains, "bob");
        await Assert.ThrowsAsync<GatewayRefusedException>(() => asBob.SubmitJobAsync(new JobSubmission { Program = "anything", InputInline = [1] }));

        // The operators' full access to blobs.
        using var content = new MemoryStream("operator-only read"u8.ToArray());
        var blob = await new GrainMarketplaceClient(await fixture.Silo.ConnectAsync(), "carol").UploadBlobAsync(content);
        var asOperator = GrainMarketplaceClient.ForOperator(grains, "alice");
        await Assert.ThrowsAsync<GatewayRefusedException>(() => asOperator.GetBlobManifestAsync(blob.Id));

        // A job's output is stored without a quota check (its run held room for it first): only the silo's workers
        // store one, never a client through the gateway.
        var upload = grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        var asOutput = await Assert.ThrowsAsync<GatewayRefusedException>(() => upload.BeginAsync(BlobCaller.JobOutputFor("alice")));
        Assert.Contains("as a job's output", asOutput.Message, StringComparison.Ordinal);
        await upload.BeginAsync(BlobCaller.Client("alice"));
        await upload.AppendAtAsync(0, "alice's bytes"u8.ToArray());
        await Assert.ThrowsAsync<GatewayRefusedException>(() => upload.CompleteAsync(null, BlobCaller.JobOutputFor("alice")));
        Assert.Equal(13, (await upload.CompleteAsync(null, BlobCaller.Client("alice"))).Size);

        // Money and stake: operators only.
        var deposit = await Assert.ThrowsAsync<GatewayRefusedException>(() => grains.GetGrain<ISettlement>(ISettlement.DefaultKey).DepositAsync("alice", 1_000_000, "bound-" + Guid.NewGuid().ToString("N")));
        Assert.Contains("for operator services only", deposit.Message, StringComparison.Ordinal);
        Assert.Contains("Operator = true", deposit.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<GatewayRefusedException>(() => grains.GetGrain<ISettlement>(ISettlement.DefaultKey).SlashAsync("w1", "00", SlashReason.DoubleSign));
        Assert.Equal(UInt128.Zero, (await (await fixture.Silo.ConnectAsync()).GetGrain<ISettlement>(ISettlement.DefaultKey).GetBalanceAsync("alice")).Available);
    }

    [Fact]
    public async Task The_operator_service_may_act_as_any_client()
    {
        var grains = await fixture.Silo.ConnectAsync();
        var summaries = await grains.GetGrain<IClientJobsGrain>("bob").ListAsync(null, null, 10);
        Assert.NotNull(summaries);
    }
}
