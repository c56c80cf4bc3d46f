using System.Net.Http.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Storage;

/// <summary>Repair when every provider already holds a fragment of the deal: a provider that answers its audit but has
/// lost the fragment (its disk replaced) takes it back; one that answers with garbage does not.</summary>
public sealed class DiskLossRepairTests(ITestOutputHelper output)
{
    private static async Task<DealStatus> PostAsync(HttpClient client, string path, HttpContent? body)
    {
        using var response = await client.PostAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
    }

    [Fact]
    public async Task Providers_that_lost_their_fragments_get_them_back_by_repair_and_the_rebuilt_fragments_alone_with_two_others_read_back()
    {
        await using var silo = await ApiTestSilo.StartAsync(StorageTestSettings.Providers(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = StorageTestSettings.SeededContent(output, 1_500_000);
        var deal = await PostAsync(alice, "v1/deals?k=4&m=2&deal_id=disk-loss", new ByteArrayContent(content));
        var before = deal.Fragments.Select(f => f.ProviderId).ToList();

        // Two providers lose everything they kept of the deal.
        foreach (var index in new[] { 1, 4 })
        {
            Directory.Delete(Path.Combine(silo.DataFolder, "providers", deal.Fragments[index].ProviderId, StorageTestSettings.DealId("alice", "disk-loss")), recursive: true);
        }

        var audited = await PostAsync(alice, "v1/deals/disk-loss/audit", null);
        output.WriteLine(string.Join(" | ", audited.History.Select(h => $"{h.State}: {h.Reason}")));
        Assert.Equal(DealState.Active, audited.State);
        Assert.Equal(6, audited.HealthyFragments);
        Assert.Contains(audited.History, h => h.State == DealState.Degraded && h.Reason.Contains("4 of 6", StringComparison.Ordinal));
        Assert.Contains(audited.History, h => h.State == DealState.Repairing);
        Assert.Equal(before, audited.Fragments.Select(f => f.ProviderId).ToList());
        Assert.Equal([1, 4], audited.Fragments.Where(f => f.AuditsFailed > 0).Select(f => f.Index).ToList());
        Assert.All(audited.Fragments, f => Assert.NotNull(f.Commitment));

        // The rebuilt fragments are real: with two of the untouched ones gone, the deal reads back from them.
        foreach (var index in new[] { 0, 5 })
        {
            Directory.Delete(Path.Combine(silo.DataFolder, "providers", deal.Fragments[index].ProviderId, StorageTestSettings.DealId("alice", "disk-loss")), recursive: true);
        }

        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/disk-loss/content"));

        // And the next audit repairs those two the same way.
        var again = await PostAsync(alice, "v1/deals/disk-loss/audit", null);
        Assert.Equal(DealState.Active, again.State);
        Assert.Equal(6, again.HealthyFragments);
        Assert.Equal(before, again.Fragments.Select(f => f.ProviderId).ToList());
    }

    [Fact]
    public async Task A_provider_answering_garbage_is_not_given_its_fragment_back_while_a_missing_one_beside_it_is_rebuilt()
    {
        await using var silo = await ApiTestSilo.StartAsync(StorageTestSettings.Providers(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = StorageTestSettings.SeededContent(output, 600_000);
        var deal = await PostAsync(alice, "v1/deals?k=4&m=2&deal_id=garbled", new ByteArrayContent(content));

        // Fragment 2's provider garbles it and keeps answering (signed garbage); fragment 3's provider lost it.
        var file = Path.Combine(silo.DataFolder, "providers", deal.Fragments[2].ProviderId, StorageTestSettings.DealId("alice", "garbled"), "2.frag");
        var garbage = new byte[new FileInfo(file).Length];
        new Random(5).NextBytes(garbage);
        await File.WriteAllBytesAsync(file, garbage);
        Directory.Delete(Path.Combine(silo.DataFolder, "providers", deal.Fragments[3].ProviderId, StorageTestSettings.DealId("alice", "garbled")), recursive: true);

        var audited = await PostAsync(alice, "v1/deals/garbled/audit", null);
        output.WriteLine(string.Join(" | ", audited.History.Select(h => $"{h.State}: {h.Reason}")));

        // No new provider exists for the garbled fragment, so it waits; the missing one is rebuilt on its own
        // provider now, and the deal stays degraded with five healthy fragments.
        Assert.Equal(DealState.Degraded, audited.State);
        Assert.Equal(FragmentHealth.Corrupt, audited.Fragments[2].Health);
        Assert.Equal(FragmentHealth.Healthy, audited.Fragments[3].Health);
        Assert.Equal(deal.Fragments[3].ProviderId, audited.Fragments[3].ProviderId);
        Assert.Equal(5, audited.HealthyFragments);
        Assert.Contains(audited.History, h => h.Reason.Contains("rebuilding 1 of 2 fragments", StringComparison.Ordinal));
        Assert.Contains(audited.History, h => h.Reason.Contains("1 of 6 fragments still need a provider", StringComparison.Ordinal));
        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/garbled/content"));
    }
}
