using System.Net;
using System.Net.Http.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Storage;

/// <summary>A deal whose providers all lose its fragments: the audit says <c>lost</c>, reads answer a typed 503 (never
/// a 500 or made-up bytes), and its owner's delete still ends it and gives its quota back.</summary>
public sealed class DealLossTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_deal_whose_providers_all_lost_its_fragments_is_lost_answers_reads_503_and_is_deleted_with_its_quota()
    {
        await using var silo = await ApiTestSilo.StartAsync(StorageTestSettings.Providers(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = StorageTestSettings.SeededContent(output, 250_000);
        using (var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=all-gone", new ByteArrayContent(content)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var deal = (await alice.GetFromJsonAsync<DealStatus>("v1/deals/all-gone", MarketplaceJson.Options))!;
        foreach (var fragment in deal.Fragments)
        {
            Directory.Delete(Path.Combine(silo.DataFolder, "providers", fragment.ProviderId, StorageTestSettings.DealId("alice", "all-gone")), recursive: true);
        }

        using (var audited = await alice.PostAsync("v1/deals/all-gone/audit", null))
        {
            Assert.True(audited.IsSuccessStatusCode, await audited.Content.ReadAsStringAsync());
            var status = (await audited.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
            output.WriteLine(string.Join(" | ", status.History.Select(h => $"{h.State}: {h.Reason}")));
            Assert.Equal(DealState.Lost, status.State);
            Assert.Equal(0, status.HealthyFragments);
        }

        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/deals/all-gone/content"), 503, "storage_unavailable");
        Assert.Equal(250_000, (await alice.GetFromJsonAsync<ClientStorage>("v1/client/storage", MarketplaceJson.Options))!.StoredBytes);

        using (var deleted = await alice.DeleteAsync("v1/deals/all-gone"))
        {
            Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());
            Assert.Equal(DealState.Ended, (await deleted.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!.State);
        }

        Assert.Equal(0, (await alice.GetFromJsonAsync<ClientStorage>("v1/client/storage", MarketplaceJson.Options))!.StoredBytes);
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/deals/all-gone/content"), 404, "deal_not_found");
    }
}
