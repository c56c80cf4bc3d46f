using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>The storage market over HTTP, with eight providers on one silo (six for a 4+2 deal, two spare): a blob
/// stored, read back after providers lose or garble their fragments, audited, repaired onto new providers; placement
/// refusals and bad input.</summary>
public sealed class StorageDealApiTests(ITestOutputHelper output)
{
    private static Dictionary<string, string?> Providers(int count, long price = 1_000_000) => StorageTestSettings.Providers(count, pricePerGiBMonth: price);

    /// <summary>A silo with six providers at 3,000,000,000 per GiB-month, the ledger on, daily payment periods read from
    /// <paramref name="clock"/>, bob an operator, and alice funded with 1,000,000,000 by him; <paramref name="more"/>
    /// settings on top.</summary>
    internal static async Task<ApiTestSilo> StartPaidSiloAsync(ManualClock clock, IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = Providers(6, price: 3_000_000_000);
        settings["Marketplace:Ledger:Enabled"] = "true";
        settings["Marketplace:Api:Operators:0"] = "bob";
        settings["Marketplace:Storage:PaymentPeriod"] = "1.00:00:00";
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var silo = await ApiTestSilo.StartAsync(settings, services: s => s.AddKeyedSingleton<TimeProvider>(Marketplace.Grains.Storage.StorageOptions.ClockKey, clock));
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);
        using var deposit = await bob.PostAsync("v1/client/deposits", new StringContent("{\"client_id\": \"alice\", \"amount\": 1000000000, \"deposit_id\": \"bank-1\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
        return silo;
    }

    private byte[] Content(int length) => StorageTestSettings.SeededContent(output, length);

    [Fact]
    public async Task A_4_plus_2_blob_reads_back_exactly_after_two_providers_lose_their_fragments_and_an_audit_repairs_it_onto_new_providers()
    {
        await using var silo = await ApiTestSilo.StartAsync(Providers(8));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = Content(1_000_003);

        var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=deal-a", new ByteArrayContent(content));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Active, deal.State);
        Assert.Equal(6, deal.Fragments.Count);
        Assert.Equal(6, deal.Fragments.Select(f => f.ProviderId).Distinct().Count());
        Assert.All(deal.Fragments, f => Assert.Equal(FragmentHealth.Healthy, f.Health));
        Assert.Equal(2, deal.WhyNotPlaced.Count(r => r.Reason == "not_needed"));
        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/deal-a/content"));

        // Two providers lose the deal: one holds a data fragment, one a parity fragment.
        var lost = new[] { deal.Fragments[0].ProviderId, deal.Fragments[5].ProviderId };
        foreach (var provider in lost)
        {
            Directory.Delete(Path.Combine(silo.DataFolder, "providers", provider, StorageTestSettings.DealId("alice", "deal-a")), recursive: true);
        }

        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/deal-a/content"));

        var audited = (await (await alice.PostAsync("v1/deals/deal-a/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Active, audited.State);
        Assert.All(audited.Fragments, f => Assert.Equal(FragmentHealth.Healthy, f.Health));
        Assert.DoesNotContain(audited.Fragments, f => lost.Contains(f.ProviderId));
        Assert.Equal(6, audited.Fragments.Select(f => f.ProviderId).Distinct().Count());
        Assert.Equal([DealState.Placing, DealState.Active, DealState.Degraded, DealState.Repairing, DealState.Active], audited.History.Select(h => h.State));
        Assert.Equal(1, audited.Fragments[0].AuditsFailed);
        foreach (var index in new[] { 0, 5 })
        {
            Assert.True(File.Exists(Path.Combine(silo.DataFolder, "providers", audited.Fragments[index].ProviderId, StorageTestSettings.DealId("alice", "deal-a"), $"{index}.frag")));
        }

        // After the repair the two rebuilt fragments alone with two others decode: the original four survivors are not needed.
        foreach (var index in new[] { 1, 2 })
        {
            Directory.Delete(Path.Combine(silo.DataFolder, "providers", audited.Fragments[index].ProviderId, StorageTestSettings.DealId("alice", "deal-a")), recursive: true);
        }

        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/deal-a/content"));

        using var ranged = new HttpRequestMessage(HttpMethod.Get, "v1/deals/deal-a/content");
        ranged.Headers.Range = new RangeHeaderValue(500_000, 500_099);
        using var slice = await alice.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, slice.StatusCode);
        Assert.Equal(content.AsSpan(500_000, 100).ToArray(), await slice.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_silo_with_no_provider_setting_hosts_six_and_places_a_default_deal_at_once()
    {
        await using var silo = await ApiTestSilo.StartAsync();
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var providers = await alice.GetStringAsync("v1/providers");
        foreach (var id in new[] { "p1", "p2", "p3", "p4", "p5", "p6" })
        {
            Assert.Contains($"\"{id}\"", providers, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\"p7\"", providers, StringComparison.Ordinal);
        var content = Content(300_001);
        var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=out-of-the-box", new ByteArrayContent(content));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Active, deal.State);
        Assert.Equal(6, deal.Fragments.Select(f => f.ProviderId).Distinct().Count());
        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/out-of-the-box/content"));
    }

    [Fact]
    public async Task Audits_of_a_deal_still_being_placed_are_refused_and_cost_the_providers_nothing()
    {
        await using var silo = await ApiTestSilo.StartAsync(Providers(6));
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        // An upload begun and abandoned by its client: the deal stays placing, its fragments never arrive.
        var begun = await grains.GetGrain<IStorageDealGrain>(StorageTestSettings.DealId("alice", "abandoned")).BeginAsync("alice", DurabilityPolicy.Dev, long.MaxValue, TimeSpan.FromDays(30), 500_000);
        Assert.Equal(DealState.Placing, begun.State);
        var before = new Dictionary<string, double>();
        foreach (var f in begun.Fragments)
        {
            before[f.ProviderId] = (await grains.GetGrain<IReputationGrain>(f.ProviderId).GetAsync()).Score;
        }

        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        for (var i = 0; i < 6; i++)
        {
            var refused = await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals/abandoned/audit", null), 400, "invalid_request");
            Assert.Contains("still being placed", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        foreach (var (provider, score) in before)
        {
            var now = await grains.GetGrain<IReputationGrain>(provider).GetAsync();
            Assert.Equal(score, now.Score);
            Assert.Equal(0, now.EventCount);
        }

        // Another client's deal can be placed on the same providers afterwards.
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);
        var created = await bob.PostAsync("v1/deals?preset=dev", new ByteArrayContent(Content(1_000)));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Its_owner_deletes_a_deal_its_fragments_leave_every_provider_and_a_repeat_or_a_stranger_changes_nothing()
    {
        await using var silo = await ApiTestSilo.StartAsync(Providers(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);
        var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=to-delete", new ByteArrayContent(Content(200_000)));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        var folders = deal.Fragments.Select(f => Path.Combine(silo.DataFolder, "providers", f.ProviderId, StorageTestSettings.DealId("alice", "to-delete"))).ToList();
        Assert.All(folders, f => Assert.True(Directory.Exists(f), f));

        // A stranger learns nothing and deletes nothing: alice's deal named by its id answers bob as an id of no deal
        // does, on every route, storing included.
        var id = StorageTestSettings.DealId("alice", "to-delete");
        var nobodys = Marketplace.GrainInterfaces.StorageIds.NewDealId();
        await ProblemAssert.IsProblemAsync(await bob.DeleteAsync("v1/deals/to-delete"), 404, "deal_not_found");
        foreach (var probe in new[] { id, nobodys })
        {
            await ProblemAssert.IsProblemAsync(await bob.PostAsync($"v1/deals?preset=dev&deal_id={probe}", new ByteArrayContent(Content(1_000))), 404, "deal_not_found");
            await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/deals/{probe}"), 404, "deal_not_found");
            await ProblemAssert.IsProblemAsync(await bob.DeleteAsync($"v1/deals/{probe}"), 404, "deal_not_found");
        }

        await ProblemAssert.IsProblemAsync(await alice.GetAsync($"v1/deals/{nobodys}"), 404, "deal_not_found");
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("v1/deals/to-delete/content")).StatusCode);

        using var deleted = await alice.DeleteAsync("v1/deals/to-delete");
        Assert.True(deleted.StatusCode == HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());
        var ended = (await deleted.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Ended, ended.State);
        Assert.Contains("deleted by its client", ended.History[^1].Reason, StringComparison.Ordinal);
        Assert.All(folders, f => Assert.False(Directory.Exists(f) && Directory.EnumerateFiles(f).Any(), $"{f} still holds fragments"));
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/deals/to-delete/content"), 404, "deal_not_found");

        // Again: the deal as it ended, nothing more.
        using var again = await alice.DeleteAsync("v1/deals/to-delete");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var same = (await again.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(ended.History.Count, same.History.Count);
        await ProblemAssert.IsProblemAsync(await alice.DeleteAsync("v1/deals/no-such-deal"), 404, "deal_not_found");
        await ProblemAssert.IsProblemAsync(await alice.DeleteAsync("v1/deals/bad%2Fid"), 400, "invalid_request");
    }

    [Fact]
    public async Task A_provider_answering_garbage_is_caught_by_the_audit_never_read_and_its_fragment_rebuilt()
    {
        await using var silo = await ApiTestSilo.StartAsync(Providers(7));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = Content(300_000);
        var deal = (await (await alice.PostAsync("v1/deals?k=4&m=2&deal_id=deal-g", new ByteArrayContent(content))).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        var garbler = deal.Fragments[2].ProviderId;
        var file = Path.Combine(silo.DataFolder, "providers", garbler, StorageTestSettings.DealId("alice", "deal-g"), "2.frag");
        var garbage = new byte[new FileInfo(file).Length];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(file, garbage);

        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/deal-g/content"));
        var audited = (await (await alice.PostAsync("v1/deals/deal-g/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Contains(audited.History, h => h.State == DealState.Degraded && h.Reason.Contains("5 of 6", StringComparison.Ordinal));
        Assert.Equal(1, audited.Fragments[2].AuditsFailed);
        Assert.NotEqual(garbler, audited.Fragments[2].ProviderId);
        Assert.Equal(DealState.Active, audited.State);
        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/deal-g/content"));
    }

    [Fact]
    public async Task Placement_says_why_not_and_bad_input_gets_typed_problems()
    {
        await using var silo = await ApiTestSilo.StartAsync(Providers(5));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);
        var content = Content(10_000);

        var tooFew = await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev", new ByteArrayContent(content)), 409, "deal_not_placed");
        Assert.Contains("needs 6 providers", tooFew.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Marketplace:Storage:Providers", tooFew.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), tooFew.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var tooCheap = await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?k=2&m=1&max_price_per_gib_month=10", new ByteArrayContent(content)), 409, "deal_not_placed");
        Assert.Contains("p1: price_above_maximum", tooCheap.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?k=0&m=2", new ByteArrayContent(content)), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?k=200&m=100", new ByteArrayContent(content)), 400, "invalid_request");
        // Numbers past an int are refused, never wrapped into a small valid one (4294967300 would wrap to 4).
        var wrapped = await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?k=4294967300&m=4294967298", new ByteArrayContent(content)), 400, "invalid_request");
        Assert.Contains("k: 4294967300 is out of range", wrapped.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var limit = await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/deals?limit=2147483648"), 400, "invalid_request");
        Assert.DoesNotContain("-2147483648", limit.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=bogus", new ByteArrayContent(content)), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&k=2", new ByteArrayContent(content)), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?k=2&m=1&max_price_per_gib_month=-5", new ByteArrayContent(content)), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?k=2&m=1&deal_id=bad/id", new ByteArrayContent(content)), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?k=2&m=1", new ByteArrayContent([])), 400, "invalid_request");

        var created = await alice.PostAsync("v1/deals?k=2&m=1&deal_id=deal-p", new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // The same request again returns the deal as it is; other content under the id is refused.
        Assert.Equal(HttpStatusCode.Created, (await alice.PostAsync("v1/deals?k=2&m=1&deal_id=deal-p", new ByteArrayContent(content))).StatusCode);
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?k=2&m=1&deal_id=deal-p", new ByteArrayContent(Content(10))), 400, "invalid_request");

        await ProblemAssert.IsProblemAsync(await bob.GetAsync("v1/deals/deal-p"), 404, "deal_not_found");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync("v1/deals/deal-p/content"), 404, "deal_not_found");
        await ProblemAssert.IsProblemAsync(await bob.PostAsync("v1/deals/deal-p/audit", null), 404, "deal_not_found");
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/deals/no-such-deal"), 404, "deal_not_found");
        // Names are each client's own: bob's deal-p is another deal, and nothing he is answered says alice has one.
        var alices = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        using (var bobs = await bob.PostAsync("v1/deals?k=2&m=1&deal_id=deal-p", new ByteArrayContent(Content(20))))
        {
            Assert.Equal(HttpStatusCode.Created, bobs.StatusCode);
            var his = (await bobs.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
            Assert.NotEqual(alices.DealId, his.DealId);
            Assert.Equal("bob", his.ClientId);
        }

        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/deal-p/content"));
        Assert.Equal(content, await alice.GetByteArrayAsync($"v1/deals/{alices.DealId}/content"));
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/deals/{alices.DealId}"), 404, "deal_not_found");
        using var beyond = new HttpRequestMessage(HttpMethod.Get, "v1/deals/deal-p/content");
        beyond.Headers.Range = new RangeHeaderValue(20_000, 20_010);
        await ProblemAssert.IsProblemAsync(await alice.SendAsync(beyond), 416, "range_not_satisfiable");
    }

    [Fact]
    public async Task The_sdk_clients_and_the_cli_store_list_show_audit_and_retrieve_a_deal()
    {
        await using var silo = await ApiTestSilo.StartAsync(Providers(6));
        var content = Content(200_001);
        using var http = silo.NewClient();
        var stored = await http.StoreAsync(content, DurabilityPolicy.Dev, dealId: "deal-sdk");
        Assert.Equal(DealState.Active, stored.State);
        Assert.Equal(content, await http.RetrieveAsync("deal-sdk"));
        Assert.Equal(content.AsSpan(1_000, 50).ToArray(), await http.RetrieveAsync("deal-sdk", 1_000, 50));
        Assert.Equal(DealState.Active, (await http.AuditDealAsync("deal-sdk")).State);
        Assert.Equal([StorageTestSettings.DealId("alice", "deal-sdk")], (await http.ListDealsAsync()).Deals.Select(d => d.DealId));
        await Assert.ThrowsAsync<DealNotFoundException>(() => silo.NewClient(ApiTestSilo.BobKey).GetDealAsync("deal-sdk"));
        await Assert.ThrowsAsync<DealNotPlacedException>(() => http.StoreAsync(content, DurabilityPolicy.Standard));

        var grains = new Marketplace.Sdk.GrainMarketplaceClient(silo.App.Services.GetRequiredService<IGrainFactory>(), "alice");
        Assert.Equal(content, await grains.RetrieveAsync("deal-sdk"));
        var second = await grains.StoreAsync(content[..1000], new DurabilityPolicy { DataFragments = 3, ParityFragments = 2 }, dealId: "deal-grain");
        Assert.Equal(5, second.Fragments.Count);
        Assert.Equal([StorageTestSettings.DealId("alice", "deal-grain"), StorageTestSettings.DealId("alice", "deal-sdk")], (await grains.ListDealsAsync()).Deals.Select(d => d.DealId));
        await Assert.ThrowsAsync<InvalidRequestException>(() => grains.GetDealAsync("bad/id"));

        var folder = Path.Combine(silo.DataFolder, "cli");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "input.bin");
        await File.WriteAllBytesAsync(file, content);
        var cli = new Cli.CliRunner().With("MARKETPLACE_URL", silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
        var store = await cli.RunAsync("store", "--file", file, "--k", "2", "--m", "1", "--deal-id", "deal-cli", "--json");
        Assert.True(store.ExitCode == 0, store.Error);
        var retrieved = Path.Combine(folder, "out.bin");
        Assert.Equal(0, (await cli.RunAsync("retrieve", "--id", "deal-cli", "--out", retrieved)).ExitCode);
        Assert.Equal(content, await File.ReadAllBytesAsync(retrieved));
        var status = await cli.RunAsync("deal-status", "--id", "deal-cli");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("healthy", status.Output, StringComparison.Ordinal);
        var list = await cli.RunAsync("deals");
        Assert.Contains(StorageTestSettings.DealId("alice", "deal-cli"), list.Output, StringComparison.Ordinal);
        Assert.Contains("3 deals", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await cli.RunAsync("audit-deal", "--id", "deal-cli")).ExitCode);
        var missing = await cli.RunAsync("deal-status", "--id", "no-such-deal");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error deal_not_found: ", missing.ErrorLine, StringComparison.Ordinal);
        var both = await cli.RunAsync("store", "--file", file, "--preset", "dev", "--k", "2");
        Assert.Equal(1, both.ExitCode);
        var tooMany = await cli.RunAsync("store", "--file", file, "--preset", "archive");
        Assert.Equal(3, tooMany.ExitCode);
        Assert.StartsWith("error deal_not_placed: ", tooMany.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Providers_are_paid_per_period_for_healthy_fragments_exactly_once_across_a_restart_and_a_lost_fragment_is_refunded()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        var settings = Providers(7, price: 3_000_000_000);
        settings["Marketplace:Ledger:Enabled"] = "true";
        settings["Marketplace:Api:Operators:0"] = "bob";
        settings["Marketplace:Storage:PaymentPeriod"] = "1.00:00:00";
        await using var silo = await ApiTestSilo.StartAsync(settings, services: s => s.AddKeyedSingleton<TimeProvider>(Marketplace.Grains.Storage.StorageOptions.ClockKey, clock));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);
        var content = Content(400_000);

        // Without funds no deal is made and nothing is stored.
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=deal-broke", new ByteArrayContent(content)), 402, "insufficient_funds");
        using (var deposit = await bob.PostAsync("v1/client/deposits", new StringContent("{\"client_id\": \"alice\", \"amount\": 1000000000, \"deposit_id\": \"bank-1\"}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
        }

        var deal = (await (await alice.PostAsync("v1/deals?preset=dev&deal_id=deal-pay", new ByteArrayContent(content))).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.True(deal.Paid);
        var ledger = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ISettlement>(ISettlement.DefaultKey);
        var fragmentBytes = (long)deal.ChunkSize * deal.ChunkCount;
        // 3,000,000,000 per GiB-month for one day of one fragment, rounded up.
        var perPeriod = (UInt128)(((System.Numerics.BigInteger)3_000_000_000 * fragmentBytes + ((1L << 30) * 30L) - 1) / ((1L << 30) * 30L));
        Assert.Equal(perPeriod, (await ledger.GetEscrowAsync($"deal:{StorageTestSettings.DealId("alice", "deal-pay")}:p0:f0"))!.Amount);
        var balance = await ledger.GetBalanceAsync("alice");
        Assert.Equal(6 * perPeriod, balance.Escrowed);

        // A day later fragment 3's provider has lost it: the audit pays the five others for the day, refunds the
        // sixth, escrows the next day and repairs.
        Directory.Delete(Path.Combine(silo.DataFolder, "providers", deal.Fragments[3].ProviderId, StorageTestSettings.DealId("alice", "deal-pay")), recursive: true);
        var lostProvider = deal.Fragments[3].ProviderId;
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var audited = (await (await alice.PostAsync("v1/deals/deal-pay/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(1, audited.PeriodsSettled);
        foreach (var fragment in deal.Fragments)
        {
            var settled = (await ledger.GetEscrowAsync($"deal:{StorageTestSettings.DealId("alice", "deal-pay")}:p0:f{fragment.Index}"))!.Settlement!;
            Assert.Equal(fragment.Index == 3 ? SettlementOutcome.Refunded : SettlementOutcome.Paid, settled.Outcome);
        }

        Assert.Equal(UInt128.Zero, (await ledger.GetStakeAsync(lostProvider)).Earnings);
        Assert.Equal(perPeriod, (await ledger.GetStakeAsync(deal.Fragments[0].ProviderId)).Earnings);
        Assert.NotNull(await ledger.GetEscrowAsync($"deal:{StorageTestSettings.DealId("alice", "deal-pay")}:p1:f5"));

        // A restart and another audit in the same day pay nothing again.
        await silo.RestartAsync();
        ledger = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ISettlement>(ISettlement.DefaultKey);
        using var again = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var reaudited = (await (await again.PostAsync("v1/deals/deal-pay/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(1, reaudited.PeriodsSettled);
        Assert.Equal(perPeriod, (await ledger.GetStakeAsync(deal.Fragments[0].ProviderId)).Earnings);
        var payments = 0;
        string? cursor = null;
        do
        {
            var page = await ledger.GetJournalAsync(cursor, 1000);
            payments += page.Entries.Count(e => e.Operation == LedgerOperation.Payment && e.Reference.StartsWith($"deal:{StorageTestSettings.DealId("alice", "deal-pay")}:p0:", StringComparison.Ordinal));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(5, payments);
    }

    [Fact]
    public async Task A_deal_ends_after_its_term_paying_every_period_of_it_once_deleting_its_fragments_and_refusing_reads()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        await using var silo = await StartPaidSiloAsync(clock);
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);

        // Terms outside 1-3650 days are refused before anything is placed.
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&duration_days=0", new ByteArrayContent(Content(1000))), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&duration_days=3651", new ByteArrayContent(Content(1000))), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&duration_days=two", new ByteArrayContent(Content(1000))), 400, "invalid_request");

        var content = Content(300_000);
        var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=deal-term&duration_days=2", new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(deal.CreatedAt + TimeSpan.FromDays(2), deal.EndsAt);
        var ledger = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ISettlement>(ISettlement.DefaultKey);

        // Day one is over: paid, and the second (last) day escrowed.
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var first = (await (await alice.PostAsync("v1/deals/deal-term/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Active, first.State);
        Assert.Equal(1, first.PeriodsSettled);
        Assert.NotNull(await ledger.GetEscrowAsync($"deal:{StorageTestSettings.DealId("alice", "deal-term")}:p1:f0"));

        // The term is over: the last day is paid, no third day is escrowed, every fragment is gone from its provider
        // and the deal is ended; another round, a restart and reads change nothing.
        clock.Advance(TimeSpan.FromDays(1));
        var ended = (await (await alice.PostAsync("v1/deals/deal-term/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Ended, ended.State);
        Assert.Equal(2, ended.PeriodsSettled);
        Assert.Null(await ledger.GetEscrowAsync($"deal:{StorageTestSettings.DealId("alice", "deal-term")}:p2:f0"));
        foreach (var fragment in deal.Fragments)
        {
            Assert.Equal(SettlementOutcome.Paid, (await ledger.GetEscrowAsync($"deal:{StorageTestSettings.DealId("alice", "deal-term")}:p1:f{fragment.Index}"))!.Settlement!.Outcome);
            Assert.False(Directory.Exists(Path.Combine(silo.DataFolder, "providers", fragment.ProviderId, StorageTestSettings.DealId("alice", "deal-term")))
                && Directory.EnumerateFiles(Path.Combine(silo.DataFolder, "providers", fragment.ProviderId, StorageTestSettings.DealId("alice", "deal-term")), $"{fragment.Index}.*").Any(),
                $"fragment {fragment.Index} is still on {fragment.ProviderId}");
        }

        Assert.Equal(UInt128.Zero, (await ledger.GetBalanceAsync("alice")).Escrowed);

        // The ended deal no longer counts in alice's stored bytes.
        var storage = (await alice.GetFromJsonAsync<ClientStorage>("v1/client/storage", MarketplaceJson.Options))!;
        Assert.Equal(0, storage.StoredBytes);
        clock.Advance(TimeSpan.FromDays(3));
        await silo.RestartAsync();
        using var again = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var after = (await (await again.PostAsync("v1/deals/deal-term/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Ended, after.State);
        Assert.Equal(2, after.PeriodsSettled);
        await ProblemAssert.IsProblemAsync(await again.GetAsync("v1/deals/deal-term/content"), 404, "deal_not_found");
        Assert.Equal(DealState.Ended, (await again.GetFromJsonAsync<DealStatus>("v1/deals/deal-term", MarketplaceJson.Options))!.State);
    }

    [Fact]
    public async Task Deals_count_in_the_clients_stored_bytes_quota_with_its_blobs_until_deleted()
    {
        var settings = Providers(6);
        settings["Marketplace:Blobs:StoredBytesPerClient:alice"] = "1000000";
        await using var silo = await ApiTestSilo.StartAsync(settings);
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var first = await alice.PostAsync("v1/deals?preset=dev&deal_id=quota-1", new ByteArrayContent(Content(600_000)));
        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());

        // A second deal, or a blob, that would pass the quota is refused before anything is placed or stored.
        var refused = await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=quota-2", new ByteArrayContent(Content(600_001))), 429, "quota_exceeded");
        Assert.Contains("storage deal " + StorageTestSettings.DealId("alice", "quota-2"), refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/deals/quota-2"), 404, "deal_not_found");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/blobs", new ByteArrayContent(Content(500_000))), 429, "quota_exceeded");

        // Deleting the first frees its bytes: the second fits now.
        Assert.Equal(HttpStatusCode.OK, (await alice.DeleteAsync("v1/deals/quota-1")).StatusCode);
        var second = await alice.PostAsync("v1/deals?preset=dev&deal_id=quota-2", new ByteArrayContent(Content(600_001)));
        Assert.True(second.StatusCode == HttpStatusCode.Created, await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await alice.DeleteAsync("v1/deals/quota-2")).StatusCode);

        // An upload begun and abandoned holds its bytes while the deal is placing; deleting it gives them back, and
        // the upload, were it still under way, could no longer complete.
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var abandoned = grains.GetGrain<IStorageDealGrain>(StorageTestSettings.DealId("alice", "abandoned-upload"));
        Assert.Equal(DealState.Placing, (await abandoned.BeginAsync("alice", DurabilityPolicy.Dev, long.MaxValue, TimeSpan.FromDays(30), 900_000)).State);
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=quota-3", new ByteArrayContent(Content(200_000))), 429, "quota_exceeded");
        using (var deleted = await alice.DeleteAsync("v1/deals/abandoned-upload"))
        {
            Assert.Equal(DealState.Ended, (await deleted.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!.State);
        }

        var late = await Assert.ThrowsAsync<InvalidRequestException>(() => abandoned.CompleteAsync("alice", new DealContent
        {
            ContentSha256 = new string('0', 64),
            FragmentSha256 = [.. Enumerable.Repeat(new string('0', 64), 6)],
            FragmentMerkleRoots = [.. Enumerable.Repeat(new string('0', 64), 6)],
        }));
        Assert.Contains("deleted before its upload completed", late.Message, StringComparison.Ordinal);
        var third = await alice.PostAsync("v1/deals?preset=dev&deal_id=quota-3", new ByteArrayContent(Content(200_000)));
        Assert.True(third.StatusCode == HttpStatusCode.Created, await third.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_paid_deal_deleted_mid_term_pays_the_periods_begun_once_and_escrows_no_more()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        await using var silo = await StartPaidSiloAsync(clock);
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);

        var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=deal-gone&duration_days=10", new ByteArrayContent(Content(300_000)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        var ledger = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ISettlement>(ISettlement.DefaultKey);
        var before = await ledger.GetBalanceAsync("alice");

        // Half way through day two: day one is over, day two under way; the deletion pays both and escrows no third.
        clock.Advance(TimeSpan.FromDays(1.5));
        using var deleted = await alice.DeleteAsync("v1/deals/deal-gone");
        var ended = (await deleted.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Ended, ended.State);
        Assert.Equal(2, ended.PeriodsSettled);
        Assert.Null(await ledger.GetEscrowAsync($"deal:{StorageTestSettings.DealId("alice", "deal-gone")}:p2:f0"));
        UInt128 paid = UInt128.Zero;
        foreach (var fragment in deal.Fragments)
        {
            for (var period = 0; period < 2; period++)
            {
                var escrow = (await ledger.GetEscrowAsync($"deal:{StorageTestSettings.DealId("alice", "deal-gone")}:p{period}:f{fragment.Index}"))!;
                Assert.Equal(SettlementOutcome.Paid, escrow.Settlement!.Outcome);
                paid += escrow.Amount;
            }
        }

        var after = await ledger.GetBalanceAsync("alice");
        Assert.Equal(UInt128.Zero, after.Escrowed);
        Assert.Equal(before.Available + before.Escrowed - paid, after.Available);

        // Deleting again, or the next audit round, settles nothing more.
        Assert.Equal(HttpStatusCode.OK, (await alice.DeleteAsync("v1/deals/deal-gone")).StatusCode);
        clock.Advance(TimeSpan.FromDays(2));
        var audited = (await (await alice.PostAsync("v1/deals/deal-gone/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal((DealState.Ended, 2), (audited.State, audited.PeriodsSettled));
        Assert.Equal(after.Available, (await ledger.GetBalanceAsync("alice")).Available);
    }

    [Fact]
    public async Task A_repair_stopped_after_its_plan_is_recorded_finishes_the_same_plan_after_a_silo_restart()
    {
        var interruption = new OneRepairInterruption();
        await using var silo = await ApiTestSilo.StartAsync(Providers(8), services: s => s.AddSingleton<Marketplace.Grains.Storage.TestHooks.IRepairInterruption>(interruption));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = Content(250_000);
        var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=deal-resume", new ByteArrayContent(content));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        var placed = deal.Fragments.Select(f => f.ProviderId).ToHashSet();
        var spares = Enumerable.Range(1, 8).Select(i => $"p{i}").Where(p => !placed.Contains(p)).ToHashSet();
        Assert.Equal(2, spares.Count);
        foreach (var index in new[] { 1, 4 })
        {
            Directory.Delete(Path.Combine(silo.DataFolder, "providers", deal.Fragments[index].ProviderId, StorageTestSettings.DealId("alice", "deal-resume")), recursive: true);
        }

        // The audit finds the loss, records the repair plan and is stopped there, as a crash would stop it.
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals/deal-resume/audit", null), 503, "storage_unavailable");
        Assert.Equal(1, interruption.Stopped);
        var stopped = (await alice.GetFromJsonAsync<DealStatus>("v1/deals/deal-resume", MarketplaceJson.Options))!;
        Assert.Equal(DealState.Repairing, stopped.State);
        foreach (var spare in spares)
        {
            Assert.False(Directory.Exists(Path.Combine(silo.DataFolder, "providers", spare, StorageTestSettings.DealId("alice", "deal-resume"))), $"{spare} got bytes before the stop");
        }

        // After a restart the next round finishes the recorded plan: each spare holds one rebuilt fragment, and the
        // blob reads back exactly from fragments that include them.
        await silo.RestartAsync();
        using var again = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var repaired = (await (await again.PostAsync("v1/deals/deal-resume/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Active, repaired.State);
        Assert.Equal(1, interruption.Stopped);
        Assert.True(spares.SetEquals(new[] { 1, 4 }.Select(i => repaired.Fragments[i].ProviderId)), "the rebuilt fragments are not on the spares");
        Assert.Equal(6, repaired.Fragments.Select(f => f.ProviderId).Distinct().Count());
        Assert.All(repaired.Fragments, f => Assert.Equal(FragmentHealth.Healthy, f.Health));
        Assert.Equal(new[] { DealState.Placing, DealState.Active, DealState.Degraded, DealState.Repairing, DealState.Active }, repaired.History.Select(h => h.State));
        foreach (var index in new[] { 0, 2 })
        {
            Directory.Delete(Path.Combine(silo.DataFolder, "providers", repaired.Fragments[index].ProviderId, StorageTestSettings.DealId("alice", "deal-resume")), recursive: true);
        }

        Assert.Equal(content, await again.GetByteArrayAsync("v1/deals/deal-resume/content"));
    }

    /// <summary>Stops the first repair after its plan is recorded; lets every later one run.</summary>
    private sealed class OneRepairInterruption : Marketplace.Grains.Storage.TestHooks.IRepairInterruption
    {
        private int _stopped;

        public int Stopped => _stopped;

        public void AfterPlanRecorded(string dealId)
        {
            if (Interlocked.Increment(ref _stopped) == 1)
            {
                throw new StorageUnavailableException($"deal {dealId}: repair stopped after its plan was recorded");
            }

            Interlocked.Decrement(ref _stopped);
        }
    }
}
