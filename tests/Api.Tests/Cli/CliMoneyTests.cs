using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Cli;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>The money verbs against a silo with the ledger on: <c>deposit</c> and <c>balance</c> (as tables and as the
/// API's JSON), a repeated deposit id that credits once, <c>stake</c>, <c>unstake</c> and <c>withdraw</c> as
/// <c>earnings</c> shows them, a client that is not an operator refused with exit 4 over HTTP, and the same verbs
/// through a gateway as the operators' client and as a service bound to one client.</summary>
public sealed class CliMoneyTests(MoneySiloFixture fixture) : IClassFixture<MoneySiloFixture>
{
    private const string Forbidden = "error forbidden: only the silo's operators (Marketplace:Api:Operators) may move money in or change worker or storage provider stake";

    private CliRunner Http(string key) =>
        new CliRunner().With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", key);

    [Fact]
    public async Task A_deposit_shows_in_the_balance_and_a_repeated_deposit_id_credits_once()
    {
        var deposit = await Http(ApiTestSilo.BobKey).RunAsync("deposit", "--client", "dana", "--amount", "30000000", "--deposit-id", "bank-1");
        Assert.True(deposit.ExitCode == 0, deposit.ToString());
        Assert.Equal("", deposit.Error);
        AssertRow(deposit.Output, "operation", @"deposit");
        AssertRow(deposit.Output, "client", @"dana");
        AssertRow(deposit.Output, "amount", @"30000000");
        AssertRow(deposit.Output, "deposit id", @"bank-1");
        var sequence = long.Parse(Regex.Match(deposit.Output, @"(?m)^ *journal entry +(\d+) *$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(sequence > 0, deposit.Output);

        var balance = await Http(MoneySiloFixture.DanaKey).RunAsync("balance");
        Assert.True(balance.ExitCode == 0, balance.ToString());
        AssertRow(balance.Output, "client", @"dana");
        AssertRow(balance.Output, "available", @"30000000");
        AssertRow(balance.Output, "escrowed", @"0");
        Assert.Equal(30_000_000UL, await AvailableAsync(Http(MoneySiloFixture.DanaKey), "dana"));

        // The same deposit again (a retry): the first receipt, nothing credited.
        var repeat = await Http(ApiTestSilo.BobKey).RunAsync("deposit", "--client", "dana", "--amount", "30000000", "--deposit-id", "bank-1", "--json");
        Assert.True(repeat.ExitCode == 0, repeat.ToString());
        using (var receipt = JsonDocument.Parse(repeat.Output))
        {
            Assert.Equal(sequence, receipt.RootElement.GetProperty("sequence").GetInt64());
            Assert.Equal("deposit", receipt.RootElement.GetProperty("operation").GetString());
            Assert.Equal("bank-1", receipt.RootElement.GetProperty("operation_id").GetString());
            Assert.Equal("dana", receipt.RootElement.GetProperty("owner").GetString());
            Assert.Equal(30_000_000UL, receipt.RootElement.GetProperty("amount").GetUInt64());
        }

        Assert.Equal(30_000_000UL, await AvailableAsync(Http(MoneySiloFixture.DanaKey), "dana"));

        // The id with another amount is a conflict, not a second deposit.
        var conflict = await Http(ApiTestSilo.BobKey).RunAsync("deposit", "--client", "dana", "--amount", "5", "--deposit-id", "bank-1");
        Assert.Equal(ExitCodes.Rejected, conflict.ExitCode);
        Assert.StartsWith("error settlement_conflict: ", conflict.ErrorLine, StringComparison.Ordinal);
        Assert.Equal(30_000_000UL, await AvailableAsync(Http(MoneySiloFixture.DanaKey), "dana"));

        // Without --deposit-id a new id is made and printed on stderr; the receipt carries it.
        var generated = await Http(ApiTestSilo.BobKey).RunAsync("deposit", "--client", "dana", "--amount", "5", "--json");
        Assert.True(generated.ExitCode == 0, generated.ToString());
        var note = Regex.Match(generated.ErrorLine, @"^deposit id (deposit-[0-9a-f]{32}) \(new\): repeat with --deposit-id \1 to retry without moving the amount twice$");
        Assert.True(note.Success, generated.Error);
        using (var receipt = JsonDocument.Parse(generated.Output))
        {
            Assert.Equal(note.Groups[1].Value, receipt.RootElement.GetProperty("operation_id").GetString());
        }

        Assert.Equal(30_000_005UL, await AvailableAsync(Http(MoneySiloFixture.DanaKey), "dana"));
    }

    [Fact]
    public async Task Stake_shows_as_bonded_unstake_moves_it_to_unbonding_and_withdraw_pays_it_out()
    {
        var operatorCli = Http(ApiTestSilo.BobKey);
        var anyone = Http(MoneySiloFixture.ErinKey);

        var stake = await operatorCli.RunAsync("stake", "w-cli", "--amount", "1500", "--operation-id", "bond-1");
        Assert.True(stake.ExitCode == 0, stake.ToString());
        AssertRow(stake.Output, "operation", @"stake");
        AssertRow(stake.Output, "worker", @"w-cli");
        AssertRow(stake.Output, "amount", @"1500");
        AssertRow(stake.Output, "operation id", @"bond-1");

        var earnings = await anyone.RunAsync("earnings", "w-cli");
        Assert.True(earnings.ExitCode == 0, earnings.ToString());
        AssertRow(earnings.Output, "worker", @"w-cli");
        AssertRow(earnings.Output, "bonded", @"1500");
        AssertRow(earnings.Output, "minimum stake", @"1000");
        AssertRow(earnings.Output, "meets minimum", @"yes");
        AssertRow(earnings.Output, "unbonding", @"0");
        AssertRow(earnings.Output, "earnings", @"0");

        var unstake = await operatorCli.RunAsync("unstake", "w-cli", "--amount", "1000", "--operation-id", "unbond-1", "--json");
        Assert.True(unstake.ExitCode == 0, unstake.ToString());
        using (var receipt = JsonDocument.Parse(unstake.Output))
        {
            Assert.Equal("unstake", receipt.RootElement.GetProperty("operation").GetString());
            Assert.Equal(1000UL, receipt.RootElement.GetProperty("amount").GetUInt64());
            Assert.Equal(JsonValueKind.String, receipt.RootElement.GetProperty("release_at").ValueKind);
        }

        var unbonding = await anyone.RunAsync("earnings", "w-cli", "--json");
        Assert.True(unbonding.ExitCode == 0, unbonding.ToString());
        using (var view = JsonDocument.Parse(unbonding.Output))
        {
            var root = view.RootElement;
            Assert.Equal("w-cli", root.GetProperty("worker_id").GetString());
            Assert.Equal(500UL, root.GetProperty("bonded").GetUInt64());
            Assert.False(root.GetProperty("meets_minimum").GetBoolean());
            var request = Assert.Single(root.GetProperty("unbonding").EnumerateArray());
            Assert.Equal("unbond-1", request.GetProperty("unstake_id").GetString());
            Assert.Equal(1000UL, request.GetProperty("amount").GetUInt64());
        }

        var table = await anyone.RunAsync("earnings", "w-cli");
        AssertRow(table.Output, "meets minimum", @"no");
        AssertRow(table.Output, "unbonding", @"1000");
        AssertRow(table.Output, "unstake unbond-1", @"1000, released at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z");

        var beyond = await operatorCli.RunAsync("unstake", "w-cli", "--amount", "501", "--operation-id", "unbond-2");
        Assert.Equal(ExitCodes.Rejected, beyond.ExitCode);
        Assert.StartsWith("error insufficient_funds: ", beyond.ErrorLine, StringComparison.Ordinal);

        // No unstake delay on this silo: the unbonding stake is released at once and paid out.
        var withdraw = await operatorCli.RunAsync("withdraw", "w-cli");
        Assert.True(withdraw.ExitCode == 0, withdraw.ToString());
        AssertRow(withdraw.Output, "operation", @"unstake_withdrawal");
        AssertRow(withdraw.Output, "amount", @"1000");
        using (var view = JsonDocument.Parse((await anyone.RunAsync("earnings", "w-cli", "--json")).Output))
        {
            Assert.Equal(500UL, view.RootElement.GetProperty("bonded").GetUInt64());
            Assert.Empty(view.RootElement.GetProperty("unbonding").EnumerateArray());
        }

        var nothing = await operatorCli.RunAsync("withdraw", "w-cli");
        Assert.True(nothing.ExitCode == 0, nothing.ToString());
        AssertRow(nothing.Output, "amount", @"0: nothing released yet \(`earnings` shows the release times\)");
        AssertRow(nothing.Output, "journal entry", @"none");
    }

    [Fact]
    public async Task A_client_that_is_not_an_operator_moves_no_money_and_is_told_which_setting_makes_operators()
    {
        var erin = Http(MoneySiloFixture.ErinKey);
        string[][] moves =
        [
            ["deposit", "--amount", "5", "--deposit-id", "self-credit"],
            ["deposit", "--client", "dana", "--amount", "5", "--deposit-id", "gift"],
            ["stake", "w-denied", "--amount", "5000", "--operation-id", "self-bond"],
            ["unstake", "w-denied", "--amount", "5", "--operation-id", "self-unbond"],
            ["withdraw", "w-denied"],
        ];
        foreach (var move in moves)
        {
            var refused = await erin.RunAsync(move);
            Assert.True(refused.ExitCode == ExitCodes.Auth, refused.ToString());
            Assert.Equal(Forbidden, refused.ErrorLine);
            Assert.Equal("", refused.Output);
        }

        Assert.Equal(0UL, await AvailableAsync(erin, "erin"));
        using var stake = JsonDocument.Parse((await erin.RunAsync("earnings", "w-denied", "--json")).Output);
        Assert.Equal(0UL, stake.RootElement.GetProperty("bonded").GetUInt64());
    }

    [Fact]
    public async Task Through_a_gateway_the_operators_client_moves_money_and_a_service_bound_to_a_client_only_reads()
    {
        var gateway = fixture.Silo.GatewayEndpoint.ToString();
        var operators = new CliRunner().WithGateway(gateway);
        var alice = new CliRunner()
            .With("MARKETPLACE_GATEWAY", gateway)
            .With("MARKETPLACE_GATEWAY_CREDENTIAL", $"{TestGatewayServices.Alice}:{TestGatewayServices.AliceSecret}")
            .With("MARKETPLACE_CLIENT_ID", TestGatewayServices.AliceClient);

        var deposit = await operators.RunAsync("deposit", "--client", "alice", "--amount", "700", "--deposit-id", "gw-bank-1", "--json");
        Assert.True(deposit.ExitCode == 0, deposit.ToString());
        using (var receipt = JsonDocument.Parse(deposit.Output))
        {
            Assert.Equal("alice", receipt.RootElement.GetProperty("owner").GetString());
            Assert.Equal(700UL, receipt.RootElement.GetProperty("amount").GetUInt64());
        }

        Assert.Equal(700UL, await AvailableAsync(alice, "alice"));
        var refused = await alice.RunAsync("deposit", "--amount", "5", "--deposit-id", "gw-self-credit");
        Assert.Equal(ExitCodes.Auth, refused.ExitCode);
        Assert.StartsWith("error gateway_refused: ", refused.ErrorLine, StringComparison.Ordinal);
        Assert.Equal(700UL, await AvailableAsync(alice, "alice"));

        var stake = await operators.RunAsync("stake", "w-gw", "--amount", "2000", "--operation-id", "gw-bond");
        Assert.True(stake.ExitCode == 0, stake.ToString());
        using (var view = JsonDocument.Parse((await alice.RunAsync("earnings", "w-gw", "--json")).Output))
        {
            Assert.Equal(2000UL, view.RootElement.GetProperty("bonded").GetUInt64());
            Assert.True(view.RootElement.GetProperty("meets_minimum").GetBoolean());
        }

        var unstake = await operators.RunAsync("unstake", "w-gw", "--amount", "500", "--operation-id", "gw-unbond");
        Assert.True(unstake.ExitCode == 0, unstake.ToString());
        AssertRow(unstake.Output, "released at", @"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z");
        var withdraw = await operators.RunAsync("withdraw", "w-gw", "--json");
        Assert.True(withdraw.ExitCode == 0, withdraw.ToString());
        using (var receipt = JsonDocument.Parse(withdraw.Output))
        {
            Assert.Equal("unstake_withdrawal", receipt.RootElement.GetProperty("operation").GetString());
            Assert.Equal(500UL, receipt.RootElement.GetProperty("amount").GetUInt64());
        }

        var earnings = await operators.RunAsync("earnings", "w-gw");
        AssertRow(earnings.Output, "bonded", @"1500");
        AssertRow(earnings.Output, "unbonding", @"0");
    }

    /// <summary>Asserts a row of a key/value grid: <paramref name="key"/>, then a value matching
    /// <paramref name="valuePattern"/> up to the end of the line.</summary>
    private static void AssertRow(string output, string key, string valuePattern) =>
        Assert.Matches(new Regex($"^ *{Regex.Escape(key)} +{valuePattern} *$", RegexOptions.Multiline), output);

    /// <summary>The available balance <c>balance --json</c> prints, after checking it names <paramref name="client"/>.</summary>
    private static async Task<ulong> AvailableAsync(CliRunner cli, string client)
    {
        var balance = await cli.RunAsync("balance", "--json");
        Assert.True(balance.ExitCode == 0, balance.ToString());
        using var document = JsonDocument.Parse(balance.Output);
        Assert.Equal(client, document.RootElement.GetProperty("client_id").GetString());
        Assert.Equal(0UL, document.RootElement.GetProperty("escrowed").GetUInt64());
        return document.RootElement.GetProperty("available").GetUInt64();
    }
}
