using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>Paying for jobs over HTTP: an operator deposits and stakes, a client's submit beyond its balance is a 402,
/// a paid job shows its settlement, and no client can deposit, stake or slash.</summary>
public sealed class MoneyApiTests
{
    [Fact]
    public async Task An_operator_funds_a_client_whose_job_is_escrowed_paid_and_shown_and_a_submit_beyond_the_balance_is_402()
    {
        await using var silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Ledger:Enabled"] = "true",
            ["Marketplace:Ledger:MinimumStake"] = "1000",
            ["Marketplace:Api:Operators:0"] = "bob",

            // The 402 at submit is tested: the submit waits for the settlement's answer however loaded the machine is.
            ["Marketplace:Jobs:EscrowAtSubmitWait"] = "00:01:00",
        });
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);

        // Clients cannot move money in or stake; there is no slash route at all.
        await ProblemAssert.IsProblemAsync(await Post(alice, "v1/client/deposits", "{\"amount\": 5, \"deposit_id\": \"d0\"}"), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await Post(alice, "v1/workers/w1/stake", "{\"amount\": 5, \"operation_id\": \"s0\"}"), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await Post(bob, "v1/workers/w1/slash", "{\"amount\": 5}"), 404, "not_found");
        await ProblemAssert.IsProblemAsync(await Post(bob, "v1/client/deposits", "{\"client_id\": \"alice\", \"amount\": 0, \"deposit_id\": \"d0\"}"), 400, "invalid_request");

        using (var deposit = await Post(bob, "v1/client/deposits", "{\"client_id\": \"alice\", \"amount\": 30000000, \"deposit_id\": \"bank-1\"}"))
        {
            Assert.True(deposit.StatusCode == HttpStatusCode.OK, await deposit.Content.ReadAsStringAsync());
        }

        foreach (var worker in new[] { "w1", "w2" })
        {
            using var staked = await Post(bob, $"v1/workers/{worker}/stake", "{\"amount\": 1000, \"operation_id\": \"bond-" + worker + "\"}");
            Assert.True(staked.StatusCode == HttpStatusCode.OK, await staked.Content.ReadAsStringAsync());
            Assert.True((await bob.GetFromJsonAsync<WorkerStake>($"v1/workers/{worker}/stake", MarketplaceJson.Options))!.MeetsMinimum);
        }

        var name = "echo-paid-" + Guid.NewGuid().ToString("N")[..8];
        using (var deployed = await alice.PostAsJsonAsync("v1/programs", SamplePrograms.Echo(name), MarketplaceJson.Options))
        {
            Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);
        }

        // 10 M fuel × 2 per million = 20,000,000 escrowed of 30,000,000.
        var job = "{\"program\": \"" + name + "@1.0.0\", \"input_base64\": \"aGk=\", \"max_fuel\": 10000000, \"max_price_per_million_fuel\": 2, \"request_id\": \"REQ\"}";
        using var submitted = await Post(alice, "v1/jobs", job.Replace("REQ", "paid-1", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var info = (await submitted.Content.ReadFromJsonAsync<JobInfo>(MarketplaceJson.Options))!;

        // The escrow moved money from available to escrowed and nothing else. The job may be paid already (it is
        // quick): the balance is then short by its charge, read from settlement views taken before and after it.
        ClientBalance balance;
        UInt128 charged;
        while (true)
        {
            var before = (await alice.GetFromJsonAsync<JobSettlementView>($"v1/jobs/{info.JobId}/settlement", MarketplaceJson.Options))!;
            balance = (await alice.GetFromJsonAsync<ClientBalance>("v1/client/balance", MarketplaceJson.Options))!;
            var after = (await alice.GetFromJsonAsync<JobSettlementView>($"v1/jobs/{info.JobId}/settlement", MarketplaceJson.Options))!;
            if ((before.Escrow?.Settlement is null) == (after.Escrow?.Settlement is null))
            {
                charged = after.Escrow?.Settlement?.Charged ?? UInt128.Zero;
                break;
            }
        }

        Assert.Equal((UInt128)30_000_000, balance.Available + balance.Escrowed + charged);
        // A job escrowing more than the whole deposit is refused whether or not the first one has settled yet.
        var large = job.Replace("REQ", "paid-2", StringComparison.Ordinal).Replace("\"max_fuel\": 10000000", "\"max_fuel\": 20000000", StringComparison.Ordinal);
        var refused = await ProblemAssert.IsProblemAsync(await Post(alice, "v1/jobs", large), 402, "insufficient_funds");
        Assert.Contains("escrows 40000000", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        JobSettlementView view;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(20);
            view = (await alice.GetFromJsonAsync<JobSettlementView>($"v1/jobs/{info.JobId}/settlement", MarketplaceJson.Options))!;
        }
        while (view.Escrow?.Settlement is null && DateTime.UtcNow < deadline);
        Assert.Equal((UInt128)20_000_000, view.Escrow!.Amount);
        var settlement = view.Escrow.Settlement!;
        Assert.Equal(SettlementOutcome.Paid, settlement.Outcome);
        balance = (await alice.GetFromJsonAsync<ClientBalance>("v1/client/balance", MarketplaceJson.Options))!;
        Assert.Equal((UInt128)30_000_000 - settlement.Charged, balance.Available);
        Assert.Equal(UInt128.Zero, balance.Escrowed);

        // Another client does not see the settlement.
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/jobs/{info.JobId}/settlement"), 403, "forbidden");
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
}
