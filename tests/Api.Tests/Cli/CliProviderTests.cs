using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>The provider verbs over HTTP: <c>providers</c> as a table and as the API's JSON, <c>provider &lt;id&gt;</c>
/// with reputation and bonded stake, and an unknown provider as <c>provider_not_found</c>, exit 2.</summary>
public sealed class CliProviderTests
{
    [Fact]
    public async Task Providers_lists_every_provider_and_provider_shows_one_with_its_reputation_and_stake()
    {
        await using var silo = await ApiTestSilo.StartAsync(ProviderApiTests.Settings(6));
        var ledger = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ISettlement>(ISettlement.DefaultKey);
        await ledger.StakeAsync("p2", 7_000u, "stake-p2");
        CliRunner Cli() => new CliRunner().With("MARKETPLACE_URL", silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);

        // The providers announce themselves as the silo starts; the directory has heard all six within the bound.
        CliResult json;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            json = await Cli().RunAsync("providers", "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            using var listed = JsonDocument.Parse(json.Output);
            if (listed.RootElement.GetProperty("providers").GetArrayLength() == 6 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50);
        }

        using (var document = JsonDocument.Parse(json.Output))
        {
            var providers = document.RootElement.GetProperty("providers").EnumerateArray().ToList();
            Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], providers.Select(p => p.GetProperty("provider_id").GetString()));
            Assert.All(providers, p =>
            {
                Assert.True(p.GetProperty("online").GetBoolean());
                Assert.Equal(10_000_000, p.GetProperty("free_bytes").GetInt64());
                Assert.Equal(1_000_000, p.GetProperty("price_per_gib_month").GetInt64());
                Assert.Equal("eu", p.GetProperty("labels").GetProperty("region").GetString());
            });
        }

        var table = await Cli().RunAsync("providers");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Equal("", table.Error);
        foreach (var id in new[] { "p1", "p2", "p3", "p4", "p5", "p6" })
        {
            Assert.Matches(new Regex($@"\b{id}\s+.\s+yes\s+.\s+9\.5 MiB / 9\.5 MiB\s+.\s+1,000,000\s+.\s+eu\s+."), table.Output);
        }

        Assert.Contains("6 providers", table.Output, StringComparison.Ordinal);

        var one = await Cli().RunAsync("provider", "p2");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Matches(@"provider\s+p2", one.Output);
        Assert.Matches(@"online\s+yes", one.Output);
        Assert.Matches(@"free\s+10,000,000 bytes \(9\.5 MiB\)", one.Output);
        Assert.Matches(@"labels\s+region=eu", one.Output);
        Assert.Matches(@"public key\s+[0-9a-f]{96}", one.Output);
        Assert.Matches(@"reputation\s+\d\.\d{3}\s", one.Output);
        Assert.Matches(@"banned\s+no", one.Output);
        Assert.Matches(@"bonded stake\s+7000", one.Output);

        var oneJson = await Cli().RunAsync("provider", "p2", "--json");
        Assert.True(oneJson.ExitCode == 0, oneJson.ToString());
        using (var view = JsonDocument.Parse(oneJson.Output))
        {
            Assert.Equal("p2", view.RootElement.GetProperty("provider_id").GetString());
            Assert.Equal("p2", view.RootElement.GetProperty("advertisement").GetProperty("provider_id").GetString());
            Assert.Equal(7000, view.RootElement.GetProperty("stake").GetProperty("bonded").GetInt64());
            Assert.Equal("p2", view.RootElement.GetProperty("reputation").GetProperty("worker_id").GetString());
        }

        var missing = await Cli().RunAsync("provider", "nobody");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error provider_not_found: ", missing.ErrorLine, StringComparison.Ordinal);
    }
}
