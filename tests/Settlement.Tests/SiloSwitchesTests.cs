using Marketplace.Silo;
using Marketplace.Silo.Hosting;
using Xunit;

namespace Marketplace.Settlement.Tests;

/// <summary>The silo's <c>--chain</c> and <c>--config</c> switches.</summary>
public sealed class SiloSwitchesTests
{
    [Fact]
    public void The_chain_switch_turns_the_chain_settlement_on_and_a_config_file_adds_its_settings()
    {
        var file = Path.Combine(Path.GetTempPath(), $"marketplace-switch-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{\"Marketplace\": {\"Settlement\": {\"Chain\": {\"EscrowAddress\": \"0xabc\", \"RpcUrl\": \"http://from-file:1\"}}}}");
        try
        {
            var configuration = MarketplaceSiloHost.CreateBuilder(["--config", file, "--chain=http://127.0.0.1:8545", "--Marketplace:Jobs:DefaultCommitteeSize=2"]).Configuration;
            Assert.Equal("true", configuration["Marketplace:Settlement:Chain:Enabled"]);
            // The switch wins over the file.
            Assert.Equal("http://127.0.0.1:8545", configuration["Marketplace:Settlement:Chain:RpcUrl"]);
            Assert.Equal("0xabc", configuration["Marketplace:Settlement:Chain:EscrowAddress"]);
            // Other arguments still reach the command-line provider; the switches do not.
            Assert.Equal("2", configuration["Marketplace:Jobs:DefaultCommitteeSize"]);
            Assert.Null(configuration["chain"]);

            var plain = MarketplaceSiloHost.CreateBuilder([]).Configuration;
            Assert.Null(plain["Marketplace:Settlement:Chain:Enabled"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--chain needs a value", "--chain")]
    [InlineData("--chain needs a value", "--chain", "--config")]
    [InlineData("not an http:// or https://", "--chain", "ftp://node")]
    [InlineData("not an http:// or https://", "--chain", "127.0.0.1:8545")]
    [InlineData("--config needs a value", "--config")]
    [InlineData("does not exist", "--config", "/nonexistent/marketplace.json")]
    public void A_switch_given_wrongly_is_refused_naming_it(string expected, params string[] args)
    {
        var refused = Assert.Throws<SiloSwitchException>(() => SiloSwitches.Parse(args));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }
}
