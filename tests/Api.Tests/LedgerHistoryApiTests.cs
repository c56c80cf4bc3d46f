using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Cli;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary><c>GET /v1/ledger/journal</c> (operators only) and <c>marketplace history --ledger</c>: the settlement's
/// journal exported as a hash chain and checked offline, against a head kept from an earlier export.</summary>
public sealed class LedgerHistoryApiTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-ledger-history-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task An_operator_exports_the_journal_that_checks_offline_and_extends_the_head_it_kept()
    {
        await using var silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Ledger:Enabled"] = "true",
            ["Marketplace:Api:Operators:0"] = "bob",
        });
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);
        for (var i = 0; i < 3; i++)
        {
            using var deposit = await bob.PostAsync("v1/client/deposits", Json($"{{\"client_id\": \"alice\", \"amount\": {1_000 + i}, \"deposit_id\": \"bank-{i}\"}}"));
            Assert.True(deposit.StatusCode == HttpStatusCode.OK, await deposit.Content.ReadAsStringAsync());
        }

        // Clients may not read it; bad pages are typed 400s.
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/ledger/journal"), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync("v1/ledger/journal?limit=0"), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync("v1/ledger/journal?limit=abc"), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync("v1/ledger/journal?cursor=nonsense"), 400, "invalid_request");
        var page = JsonNode.Parse(await bob.GetStringAsync("v1/ledger/journal?limit=2"))!;
        Assert.Equal(2, page["entries"]!.AsArray().Count);
        Assert.Equal(64, page["head"]!.GetValue<string>().Length);
        Assert.Equal(64, page["entries"]![0]!["hash"]!.GetValue<string>().Length);
        Assert.NotNull(page["next_cursor"]!.GetValue<string>());

        var operatorCli = new CliRunner().With("MARKETPLACE_URL", silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.BobKey);
        var first = Path.Combine(_folder, "ledger-1.json");
        var exported = await operatorCli.RunAsync("--json", "history", "--ledger", "--out", first);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        var head = JsonNode.Parse(exported.Output)!["head"]!.GetValue<string>();
        Assert.Equal(3, JsonNode.Parse(exported.Output)!["entries"]!.GetValue<int>());
        var offline = new CliRunner().With("MARKETPLACE_URL", "http://127.0.0.1:1/");
        var verified = await offline.RunAsync("history", "--verify", first);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains($"valid: ledger history: 3 entries chained; head {head}", verified.Output, StringComparison.Ordinal);
        Assert.Contains("+1000 client/alice/available", verified.Output, StringComparison.Ordinal);

        // Later entries extend the head kept from the first export; a head never seen does not.
        using (var more = await bob.PostAsync("v1/client/deposits", Json("{\"client_id\": \"alice\", \"amount\": 7, \"deposit_id\": \"bank-later\"}")))
        {
            Assert.Equal(HttpStatusCode.OK, more.StatusCode);
        }

        var second = Path.Combine(_folder, "ledger-2.json");
        var extended = await operatorCli.RunAsync("history", "--ledger", "--head", head, "--out", second);
        Assert.True(extended.ExitCode == 0, extended.ToString());
        Assert.Equal(0, (await offline.RunAsync("history", "--verify", second, "--head", head)).ExitCode);
        await ExpectInvalidAsync(offline, "seen_head_missing", "history", "--verify", second, "--head", new string('a', 64));

        // An edited amount, a removed entry, a restated head: each exits 9 naming what failed.
        await ExpectInvalidAsync(offline, "hash_mismatch", "history", "--verify", await EditAsync(second, "edited.json", h =>
        {
            h["entries"]![1]!["postings"]![0]!["amount"] = 1;
            h["entries"]![1]!["postings"]![1]!["amount"] = 1;
        }));
        await ExpectInvalidAsync(offline, "wrong_sequence", "history", "--verify", await EditAsync(second, "removed.json", h => h["entries"]!.AsArray().RemoveAt(0)));
        await ExpectInvalidAsync(offline, "wrong_head", "history", "--verify", await EditAsync(second, "head.json", h => h["head"] = new string('0', 64)));
        await ExpectInvalidAsync(offline, "malformed", "history", "--verify", await EditAsync(second, "unknown.json", h => h["note"] = "x"));

        // A client's CLI is refused; --ledger with --job is a usage error.
        var clientCli = new CliRunner().With("MARKETPLACE_URL", silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
        var refused = await clientCli.RunAsync("history", "--ledger");
        Assert.True(refused.ExitCode == 4, refused.ToString());
        Assert.StartsWith("error forbidden: ", refused.ErrorLine, StringComparison.Ordinal);
        Assert.Equal(1, (await operatorCli.RunAsync("history", "--ledger", "--job", "job" + new string('0', 32))).ExitCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<string> EditAsync(string source, string name, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(await File.ReadAllTextAsync(source))!;
        edit(node);
        var path = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(path, node.ToJsonString());
        return path;
    }

    private static async Task ExpectInvalidAsync(CliRunner cli, string failure, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.ExitCode == 9, result.ToString());
        Assert.StartsWith($"error history_invalid: {failure}: ", result.ErrorLine, StringComparison.Ordinal);
    }
}
