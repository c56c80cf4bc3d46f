using Marketplace.Api.Tests.Cli;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Api.Tests.Sdk;

/// <summary>On embedded defaults the gateway admits the development service <c>dev</c>, whose secret is the
/// development key and which acts as the development client only; the CLI's --gateway mode uses it as the README
/// shows.</summary>
public sealed class DevGatewayCredentialTests
{
    [Fact]
    public async Task The_development_key_opens_the_gateway_as_the_development_client_only()
    {
        await using var silo = await ApiTestSilo.StartAsync(withKeys: false);
        var key = (await File.ReadAllTextAsync(Path.Combine(silo.DataFolder, "dev-api-key"))).Trim();
        await using var connection = await GatewayConnection.ConnectAsync([silo.GatewayEndpoint.ToString()], new GatewayCredential("dev", key));
        var dev = new GrainMarketplaceClient(connection.Client, "dev");
        Assert.NotNull(await dev.ListJobsAsync());
        await Assert.ThrowsAsync<GatewayRefusedException>(() => new GrainMarketplaceClient(connection.Client, "alice").ListJobsAsync());
        await Assert.ThrowsAsync<GatewayRefusedException>(() => connection.Client.GetGrain<ISettlement>(ISettlement.DefaultKey).DepositAsync("dev", 5, "dev-deposit"));

        // The CLI, as the README's gateway lines run it.
        var cli = new CliRunner()
            .With("MARKETPLACE_GATEWAY", silo.GatewayEndpoint.ToString())
            .With("MARKETPLACE_GATEWAY_CREDENTIAL", "dev:" + key)
            .With("MARKETPLACE_CLIENT_ID", "dev");
        var listed = await cli.RunAsync("list-jobs");
        Assert.True(listed.ExitCode == 0, listed.Error);

        // Without a credential, with a malformed one, and as the operators' client: each a clear error, no trace.
        var none = await new CliRunner().With("MARKETPLACE_GATEWAY", silo.GatewayEndpoint.ToString()).RunAsync("list-jobs");
        Assert.Equal(4, none.ExitCode);
        Assert.Contains("--gateway-credential service:secret", none.ErrorLine, StringComparison.Ordinal);
        var malformed = await new CliRunner().With("MARKETPLACE_GATEWAY", silo.GatewayEndpoint.ToString()).RunAsync("list-jobs", "--gateway-credential", "dev");
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("expected service:secret", malformed.ErrorLine, StringComparison.Ordinal);
        var asOperators = await new CliRunner()
            .With("MARKETPLACE_GATEWAY", silo.GatewayEndpoint.ToString())
            .With("MARKETPLACE_GATEWAY_CREDENTIAL", "dev:" + key)
            .RunAsync("list-jobs");
        Assert.Equal(4, asOperators.ExitCode);
        Assert.StartsWith("error gateway_refused: ", asOperators.ErrorLine, StringComparison.Ordinal);
        Assert.Contains("acts only as client 'dev'", asOperators.ErrorLine, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", asOperators.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, asOperators.Error, StringComparison.Ordinal);
    }
}
