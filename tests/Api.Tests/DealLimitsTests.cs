using System.Net;
using System.Net.Http.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>What one client may hold in the storage market: at most <c>Marketplace:Storage:MaxDealsPerClient</c> deals
/// placing or active, and a deal whose upload never completes ends after <c>PlacingTimeout</c>, giving back its quota,
/// escrow and place.</summary>
public sealed class DealLimitsTests(ITestOutputHelper output)
{
    private byte[] Content(int length) => StorageTestSettings.SeededContent(output, length);

    [Fact]
    public async Task A_client_keeps_at_most_its_limit_of_deals_open_and_a_deleted_deal_or_a_refused_one_takes_no_place()
    {
        var settings = StorageTestSettings.Providers(6, pricePerGiBMonth: 1_000_000);
        settings["Marketplace:Storage:MaxDealsPerClient"] = "2";
        await using var silo = await ApiTestSilo.StartAsync(settings);
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);

        await CreateAsync(alice, "limit-1");
        await CreateAsync(alice, "limit-2");
        var refused = await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=limit-3", new ByteArrayContent(Content(1000))), 429, "quota_exceeded");
        Assert.Contains("2 deals placing or active, its limit of 2", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/deals/limit-3"), 404, "deal_not_found");

        // The same id again is the same deal, not one more; another client has places of its own.
        await CreateAsync(alice, "limit-2");
        await CreateAsync(bob, "bobs-1");

        // A delete frees a place; a deal that cannot be placed takes none.
        Assert.Equal(HttpStatusCode.OK, (await alice.DeleteAsync("v1/deals/limit-1")).StatusCode);
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?k=6&m=2&deal_id=too-wide", new ByteArrayContent(Content(1000))), 409, "deal_not_placed");
        await CreateAsync(alice, "limit-3");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=limit-4", new ByteArrayContent(Content(1000))), 429, "quota_exceeded");
    }

    [Fact]
    public async Task A_deal_left_placing_past_the_placing_timeout_ends_and_gives_back_its_quota_escrow_and_place()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
        await using var silo = await StorageDealApiTests.StartPaidSiloAsync(clock, new Dictionary<string, string?>
        {
            ["Marketplace:Storage:MaxDealsPerClient"] = "1",
            ["Marketplace:Storage:AuditInterval"] = "00:00:01",
            ["Marketplace:Storage:PlacingTimeout"] = "00:30:00",
        });
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var ledger = grains.GetGrain<ISettlement>(ISettlement.DefaultKey);
        var funded = await ledger.GetBalanceAsync("alice");
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);

        // An upload begun and abandoned: the deal holds its quota, its first period's escrow and alice's one place.
        var deal = grains.GetGrain<IStorageDealGrain>("left-placing");
        Assert.Equal(DealState.Placing, (await deal.BeginAsync("alice", DurabilityPolicy.Dev, long.MaxValue, TimeSpan.FromDays(30), 900_000)).State);
        Assert.True((await ledger.GetBalanceAsync("alice")).Escrowed > UInt128.Zero);
        Assert.Equal(900_000, (await StorageAsync(alice)).StoredBytes);
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=next", new ByteArrayContent(Content(1000))), 429, "quota_exceeded");

        // Audit rounds (every second here) end it once the clock passes the timeout.
        clock.Advance(TimeSpan.FromMinutes(30));
        var ended = await WaitForStateAsync(deal, DealState.Ended);
        Assert.Contains(ended.History, t => t.State == DealState.Ended && t.Reason.Contains("did not complete within 00:30:00", StringComparison.Ordinal));
        var balance = await ledger.GetBalanceAsync("alice");
        Assert.Equal(UInt128.Zero, balance.Escrowed);
        Assert.Equal(funded.Available, balance.Available);
        Assert.Equal(0, (await StorageAsync(alice)).StoredBytes);

        // Its place is free again, and its upload, were it still under way, could not complete.
        var late = await Assert.ThrowsAsync<InvalidRequestException>(() => deal.CompleteAsync("alice", new DealContent
        {
            ContentSha256 = new string('0', 64),
            FragmentSha256 = [.. Enumerable.Repeat(new string('0', 64), 6)],
            FragmentMerkleRoots = [.. Enumerable.Repeat(new string('0', 64), 6)],
        }));
        Assert.Contains("deleted before its upload completed", late.Message, StringComparison.Ordinal);
        await CreateAsync(alice, "next");
    }

    [Fact]
    public async Task A_quota_of_one_byte_takes_a_one_byte_deal_and_not_one_byte_more()
    {
        var settings = StorageTestSettings.Providers(6);
        settings["Marketplace:Blobs:StoredBytesPerClient:alice"] = "1";
        await using var silo = await ApiTestSilo.StartAsync(settings);
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);

        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=two", new ByteArrayContent(Content(2))), 429, "quota_exceeded");
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/deals/two"), 404, "deal_not_found");
        Assert.Equal(0, (await StorageAsync(alice)).StoredBytes);

        var one = Content(1);
        using (var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=one", new ByteArrayContent(one)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(one, await alice.GetByteArrayAsync("v1/deals/one/content"));
        Assert.Equal((1L, 1L), ((await StorageAsync(alice)).StoredBytes, (await StorageAsync(alice)).MaxStoredBytes));

        // Full: one more byte is refused, as a deal or as a blob.
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=another", new ByteArrayContent(Content(1))), 429, "quota_exceeded");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/blobs", new ByteArrayContent(Content(1))), 429, "quota_exceeded");

        // The deal deleted, the byte is free again.
        Assert.Equal(HttpStatusCode.OK, (await alice.DeleteAsync("v1/deals/one")).StatusCode);
        Assert.Equal(0, (await StorageAsync(alice)).StoredBytes);
        using var blob = await alice.PostAsync("v1/blobs", new ByteArrayContent(Content(1)));
        Assert.Equal(HttpStatusCode.Created, blob.StatusCode);
    }

    [Fact]
    public async Task A_deal_of_exactly_the_quota_is_stored_whole_and_one_byte_more_is_refused_before_anything_is_placed()
    {
        const int Quota = 600_000;
        var settings = StorageTestSettings.Providers(6);
        settings["Marketplace:Blobs:StoredBytesPerClient:alice"] = Quota.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var silo = await ApiTestSilo.StartAsync(settings);
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);

        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=over", new ByteArrayContent(Content(Quota + 1))), 429, "quota_exceeded");
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/deals/over"), 404, "deal_not_found");

        var exact = Content(Quota);
        using (var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=exact", new ByteArrayContent(exact)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(exact, await alice.GetByteArrayAsync("v1/deals/exact/content"));
        Assert.Equal(Quota, (await StorageAsync(alice)).StoredBytes);
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/blobs", new ByteArrayContent(Content(1))), 429, "quota_exceeded");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&deal_id=byte", new ByteArrayContent(Content(1))), 429, "quota_exceeded");

        // Stored again under the same name it is the same deal, charged once.
        using (var again = await alice.PostAsync("v1/deals?preset=dev&deal_id=exact", new ByteArrayContent(exact)))
        {
            Assert.True(again.IsSuccessStatusCode, $"{(int)again.StatusCode} {await again.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(Quota, (await StorageAsync(alice)).StoredBytes);
        Assert.Equal(HttpStatusCode.OK, (await alice.DeleteAsync("v1/deals/exact")).StatusCode);
        using var blob = await alice.PostAsync("v1/blobs", new ByteArrayContent(Content(Quota)));
        Assert.Equal(HttpStatusCode.Created, blob.StatusCode);
    }

    private readonly Dictionary<string, byte[]> _contents = [];

    /// <summary>Stores deal <paramref name="dealId"/>, with the same bytes each time it is named.</summary>
    private async Task CreateAsync(HttpClient client, string dealId)
    {
        if (!_contents.TryGetValue(dealId, out var content))
        {
            _contents[dealId] = content = Content(1000);
        }

        using var created = await client.PostAsync($"v1/deals?preset=dev&deal_id={dealId}", new ByteArrayContent(content));
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{dealId}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }

    private static async Task<ClientStorage> StorageAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<ClientStorage>("v1/client/storage", MarketplaceJson.Options))!;

    private static async Task<DealStatus> WaitForStateAsync(IStorageDealGrain deal, DealState wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await deal.GetStatusAsync("alice");
            if (status.State == wanted || DateTime.UtcNow > deadline)
            {
                Assert.Equal(wanted, status.State);
                return status;
            }

            await Task.Delay(100);
        }
    }
}
