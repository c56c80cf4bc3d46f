using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>Storage providers over <c>/v1/providers</c> on a real silo with the ledger on: the list and its free space
/// after a deal, one provider with its reputation and the stake an operator bonded over HTTP, the operators-only
/// rule, <c>provider_not_found</c>, storage fault evidence handed in by anyone and penalised once, and the SDK giving
/// the same answers over HTTP and through the grains.</summary>
public sealed class ProviderApiTests(ITestOutputHelper output)
{
    private const long Capacity = 10_000_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    /// <summary><paramref name="count"/> providers p1.. of 10 MB in region eu, the ledger on, bob an operator.</summary>
    internal static Dictionary<string, string?> Settings(int count)
    {
        var settings = StorageTestSettings.Providers(count, capacityBytes: Capacity, region: "eu");
        settings["Marketplace:Ledger:Enabled"] = "true";
        settings["Marketplace:Api:Operators:0"] = "bob";
        return settings;
    }

    [Fact]
    public async Task Providers_are_listed_with_their_free_space_and_one_shows_its_reputation_and_the_stake_an_operator_bonded()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);

        // Listed once each has registered, online once each has advertised its space: wait for both.
        var initial = await WaitForListAsync(alice, list => list.Providers.Count == 6 && list.Providers.All(p => p.Online), "six providers listed and online");
        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], initial.Providers.Select(p => p.ProviderId));
        Assert.All(initial.Providers, p =>
        {
            Assert.True(p.Online);
            Assert.Equal(Capacity, p.CapacityBytes);
            Assert.Equal(Capacity, p.FreeBytes);
            Assert.Equal(1_000_000, p.PricePerGiBMonth);
            Assert.Equal("eu", p.Labels["region"]);
            Assert.Matches("^[0-9a-f]{96}$", p.PublicKey);
            Assert.NotEmpty(p.Silo);
        });

        // A deal takes a fragment from each provider, and the list follows their new advertisements.
        await PostJsonAsync(bob, "v1/client/deposits", """{"client_id": "alice", "amount": 1000000000, "deposit_id": "bank-1"}""", HttpStatusCode.OK);
        var deal = await StoreAsync(alice, "deal-list", 400_000);
        var fragmentBytes = (long)deal.ChunkSize * deal.ChunkCount;
        var after = await WaitForListAsync(alice, list => list.Providers.All(p => p.FreeBytes == Capacity - fragmentBytes), "every provider's free space lower by one fragment");
        Assert.Equal(initial.Providers.Select(p => p.PublicKey), after.Providers.Select(p => p.PublicKey));

        // Stake is the operators': a client is refused, an unknown provider is not found, and nothing moved.
        await ProblemAssert.IsProblemAsync(await PostAsync(alice, "v1/providers/p1/stake", """{"amount": 5000, "operation_id": "s-alice"}"""), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await PostAsync(alice, "v1/providers/p1/unstake", """{"amount": 5000, "operation_id": "u-alice"}"""), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await PostAsync(alice, "v1/providers/p1/withdrawals", "{}"), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await PostAsync(bob, "v1/providers/nobody/stake", """{"amount": 5000, "operation_id": "s-nobody"}"""), 404, "provider_not_found");
        await ProblemAssert.IsProblemAsync(await PostAsync(bob, "v1/providers/nobody/unstake", """{"amount": 5000, "operation_id": "u-nobody"}"""), 404, "provider_not_found");
        await ProblemAssert.IsProblemAsync(await PostAsync(bob, "v1/providers/nobody/withdrawals", "{}"), 404, "provider_not_found");
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/providers/nobody"), 404, "provider_not_found");
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/providers/bad!id"), 400, "invalid_request");
        var ledger = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ISettlement>(ISettlement.DefaultKey);
        Assert.Equal(UInt128.Zero, (await ledger.GetStakeAsync("nobody")).Bonded);
        Assert.Equal(UInt128.Zero, (await ledger.GetStakeAsync("p1")).Bonded);

        // The operator bonds 5000 and unbonds 1000; a repeat of the same operation moves nothing.
        await PostJsonAsync(bob, "v1/providers/p1/stake", """{"amount": 5000, "operation_id": "s-p1"}""", HttpStatusCode.OK);
        await PostJsonAsync(bob, "v1/providers/p1/stake", """{"amount": 5000, "operation_id": "s-p1"}""", HttpStatusCode.OK);
        await PostJsonAsync(bob, "v1/providers/p1/unstake", """{"amount": 1000, "operation_id": "u-p1"}""", HttpStatusCode.OK);
        await PostJsonAsync(bob, "v1/providers/p1/withdrawals", "{}", HttpStatusCode.OK);

        var view = (await alice.GetFromJsonAsync<StorageProviderView>("v1/providers/p1", MarketplaceJson.Options))!;
        Assert.Equal("p1", view.ProviderId);
        Assert.Equal("p1", view.Advertisement.ProviderId);
        Assert.Equal(Capacity - fragmentBytes, view.Advertisement.FreeBytes);
        Assert.Equal(after.Providers[0].PublicKey, view.Advertisement.PublicKey);
        Assert.Equal((UInt128)4_000, view.Stake.Bonded);
        Assert.Equal((UInt128)1_000, Assert.Single(view.Stake.Unbonding).Amount);
        Assert.Equal("p1", view.Reputation.WorkerId);
        Assert.Null(view.Reputation.BannedUntil);
        Assert.Equal(0, view.Reputation.EventCount);
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        Assert.Equal((await grains.GetGrain<IReputationGrain>("p1").GetAsync()).Score, view.Reputation.Score, 9);

        // A provider registered in the directory (as its silo registers it at start) but never heard announcing itself is
        // listed, offline with nothing to offer and its registered key, and is known to the stake routes.
        var ghostKey = string.Concat(Enumerable.Repeat("ab", 48));
        await grains.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey).RegisterAsync("ghost", ghostKey);
        var withGhost = await WaitForListAsync(alice, list => list.Providers.Count == 7, "the registered provider listed");
        Assert.Equal(["ghost", "p1", "p2", "p3", "p4", "p5", "p6"], withGhost.Providers.Select(p => p.ProviderId));
        var ghost = withGhost.Providers[0];
        Assert.False(ghost.Online);
        Assert.Equal(ghostKey, ghost.PublicKey);
        Assert.Equal(0, ghost.CapacityBytes);
        Assert.Equal(0, ghost.FreeBytes);
        await PostJsonAsync(bob, "v1/providers/ghost/stake", """{"amount": 300, "operation_id": "s-ghost"}""", HttpStatusCode.OK);
        var ghostView = (await alice.GetFromJsonAsync<StorageProviderView>("v1/providers/ghost", MarketplaceJson.Options))!;
        Assert.False(ghostView.Advertisement.Online);
        Assert.Equal((UInt128)300, ghostView.Stake.Bonded);

        // The SDK says the same over HTTP and through the grains.
        var now = await WaitForListAsync(alice, _ => true, "the list");
        using var http = silo.NewClient(ApiTestSilo.AliceKey);
        var direct = new GrainMarketplaceClient(grains, "alice");
        foreach (IMarketplaceClient client in new IMarketplaceClient[] { http, direct })
        {
            var list = await client.ListStorageProvidersAsync();
            Assert.Equal(Wire(now), Wire(list));
            var one = await client.GetStorageProviderAsync("p1");
            Assert.Equal(Wire(view.Advertisement), Wire(one.Advertisement));
            Assert.Equal(Wire(view.Stake), Wire(one.Stake));
            Assert.Equal(view.Reputation.Score, one.Reputation.Score, 9);
            Assert.Equal(view.Reputation.EventCount, one.Reputation.EventCount);
            var missing = await Assert.ThrowsAsync<ProviderNotFoundException>(() => client.GetStorageProviderAsync("nobody"));
            Assert.Equal("provider_not_found", missing.Code);
            await Assert.ThrowsAsync<InvalidRequestException>(() => client.GetStorageProviderAsync("no body"));
        }
    }

    [Fact]
    public async Task Storage_fault_evidence_from_anyone_slashes_the_provider_once_and_bad_evidence_is_refused()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);
        await WaitForListAsync(alice, list => list.Providers.Count == 6, "six providers listed");
        await PostJsonAsync(bob, "v1/client/deposits", """{"client_id": "alice", "amount": 1000000000, "deposit_id": "bank-1"}""", HttpStatusCode.OK);
        for (var i = 1; i <= 6; i++)
        {
            await PostJsonAsync(bob, $"v1/providers/p{i}/stake", $$"""{"amount": 5000, "operation_id": "s-p{{i}}"}""", HttpStatusCode.OK);
        }

        var deal = await StoreAsync(alice, "deal-fault", 300_000);
        Assert.All(deal.Fragments, f => Assert.NotNull(f.Commitment));

        // Fragment 2's provider garbles what it holds; asked for a chunk, it signs an answer from the garbage. Together
        // with its commitment from the deal that is evidence anyone can hand in.
        var garbler = deal.Fragments[2].ProviderId;
        var honest = deal.Fragments[0].ProviderId;
        var file = Path.Combine(silo.DataFolder, "providers", garbler, StorageTestSettings.DealId("alice", "deal-fault"), "2.frag");
        var garbage = new byte[new FileInfo(file).Length];
        var seed = Random.Shared.Next();
        output.WriteLine($"garbage seed {seed}");
        new Random(seed).NextBytes(garbage);
        await File.WriteAllBytesAsync(file, garbage);
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var challenge = new StorageChallenge { DealId = StorageTestSettings.DealId("alice", "deal-fault"), Fragment = 2, ChunkIndex = 0, ChunkSize = deal.ChunkSize };
        var answer = await grains.GetGrain<IStorageProviderGrain>(garbler).ProveAsync(challenge);
        var evidence = new StorageFaultEvidence { ProviderId = garbler, Commitment = deal.Fragments[2].Commitment!, Challenge = challenge, Answer = answer };
        var hash = Convert.ToHexStringLower(StorageFaultEvidence.Hash(evidence.Commitment));
        var json = JsonSerializer.Serialize(evidence, MarketplaceJson.Options);
        output.WriteLine(json.Length > 400 ? json[..400] + "…" : json);

        // Refused before anything is penalised: malformed JSON, another provider in the path, a tampered answer, an
        // unknown member.
        await ProblemAssert.IsProblemAsync(await PostAsync(alice, $"v1/providers/{garbler}/evidence", "{\"provider_id\": "), 400, "invalid_json");
        await ProblemAssert.IsProblemAsync(await PostAsync(alice, $"v1/providers/{garbler}/evidence", "{\"provider_id\": \"" + garbler + "\", \"verdict\": 1}"), 400, "invalid_json");
        await ProblemAssert.IsProblemAsync(await PostAsync(alice, $"v1/providers/{garbler}/evidence", "{\"provider_id\": \"" + garbler + "\", \"commitment\": null}"), 400, "invalid_json");
        await ProblemAssert.IsProblemAsync(await PostAsync(alice, $"v1/providers/{garbler}/evidence", "{\"provider_id\": \"" + garbler + "\"}"), 400, "evidence_invalid");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/providers/{garbler}/evidence", new StringContent(json, Encoding.UTF8, "text/plain")), 415, "unsupported_media_type");
        var wrongRoute = await ProblemAssert.IsProblemAsync(await PostAsync(alice, $"v1/providers/{honest}/evidence", json), 400, "evidence_invalid");
        Assert.Contains(honest, wrongRoute.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var tampered = new StorageFaultEvidence { ProviderId = garbler, Commitment = evidence.Commitment, Challenge = challenge, Answer = new StorageProof { Chunk = [.. answer.Chunk.Reverse()], Proof = answer.Proof, Signature = answer.Signature } };
        var refused = await ProblemAssert.IsProblemAsync(await PostAsync(alice, $"v1/providers/{garbler}/evidence", JsonSerializer.Serialize(tampered, MarketplaceJson.Options)), 400, "evidence_invalid");
        Assert.Contains("signature", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((UInt128)5_000, (await GetViewAsync(alice, garbler)).Stake.Bonded);

        // The first submission: 201, half the stake slashed and a wrong result on the provider's reputation.
        using (var accepted = await PostAsync(alice, $"v1/providers/{garbler}/evidence", json))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
            var first = (await accepted.Content.ReadFromJsonAsync<StorageFaultAcceptance>(MarketplaceJson.Options))!;
            Assert.False(first.Repeated);
            Assert.Equal(hash, first.EvidenceHash);
            Assert.Equal(garbler, first.ProviderId);
            Assert.Equal(StorageTestSettings.DealId("alice", "deal-fault"), first.DealId);
            Assert.Equal((UInt128)2_500, first.Slashed);
        }

        var slashed = await GetViewAsync(alice, garbler);
        Assert.Equal((UInt128)2_500, slashed.Stake.Bonded);
        Assert.Equal(1, slashed.Reputation.Counts.WrongResults);
        Assert.True(slashed.Reputation.Score < (await GetViewAsync(alice, honest)).Reputation.Score);

        // Again, by another client: 200, the first answer repeated, nothing more taken.
        using (var again = await PostAsync(bob, $"v1/providers/{garbler}/evidence", json))
        {
            Assert.True(again.StatusCode == HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
            var repeat = (await again.Content.ReadFromJsonAsync<StorageFaultAcceptance>(MarketplaceJson.Options))!;
            Assert.True(repeat.Repeated);
            Assert.Equal((UInt128)2_500, repeat.Slashed);
        }

        // The deal's own audit now finds the garbled fragment and the same broken commitment: one offence, one slash.
        using (var audit = await alice.PostAsync("v1/deals/deal-fault/audit", null))
        {
            Assert.True(audit.StatusCode == HttpStatusCode.OK, await audit.Content.ReadAsStringAsync());
            var audited = (await audit.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
            Assert.Equal(FragmentHealth.Corrupt, audited.Fragments[2].Health);
        }

        var afterAudit = await GetViewAsync(alice, garbler);
        Assert.Equal((UInt128)2_500, afterAudit.Stake.Bonded);
        Assert.Equal(1, afterAudit.Reputation.Counts.WrongResults);
        Assert.Equal((UInt128)5_000, (await GetViewAsync(alice, honest)).Stake.Bonded);
    }

    private static async Task<StorageProviderList> WaitForListAsync(HttpClient client, Func<StorageProviderList, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var list = (await client.GetFromJsonAsync<StorageProviderList>("v1/providers", MarketplaceJson.Options))!;
            if (done(list))
            {
                return list;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {Bound.TotalSeconds:0} s for {what}; last: {JsonSerializer.Serialize(list, MarketplaceJson.Options)}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<StorageProviderView> GetViewAsync(HttpClient client, string id) =>
        (await client.GetFromJsonAsync<StorageProviderView>($"v1/providers/{id}", MarketplaceJson.Options))!;

    private async Task<DealStatus> StoreAsync(HttpClient client, string dealId, int length)
    {
        var content = StorageTestSettings.SeededContent(output, length);
        using var created = await client.PostAsync($"v1/deals?preset=dev&deal_id={dealId}", new ByteArrayContent(content));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
    }

    private static async Task PostJsonAsync(HttpClient client, string path, string json, HttpStatusCode expected)
    {
        using var response = await PostAsync(client, path, json);
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static string Wire<T>(T value) => JsonSerializer.Serialize(value, MarketplaceJson.Options);
}
