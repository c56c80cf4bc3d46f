using System.Net.Http.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Storage;

/// <summary>No byte left on a provider: at start each provider deletes the fragments no deal keeps with it (a deal that
/// ended while the provider was out of reach, a deal that never existed) and the writes a crash left half done, and
/// keeps every fragment a live deal needs.</summary>
public sealed class ProviderSweepTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_restarted_silo_deletes_fragments_no_deal_keeps_and_half_done_writes_and_keeps_the_live_deals()
    {
        await using var silo = await ApiTestSilo.StartAsync(StorageTestSettings.Providers(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = StorageTestSettings.SeededContent(output, 300_000);
        var kept = await CreateAsync(alice, "kept", content);
        var ended = await CreateAsync(alice, "ended", StorageTestSettings.SeededContent(output, 200_000));
        var providers = Path.Combine(silo.DataFolder, "providers");

        // What an unreachable provider keeps of a deal that ended meanwhile: the deal ends (its own deletes done),
        // and a copy of one of its fragments is back on the disk, as if that delete had never reached the provider.
        var leftFile = Path.Combine(providers, ended.Fragments[2].ProviderId, ended.DealId, "2.frag");
        var leftBytes = await File.ReadAllBytesAsync(leftFile);
        using (var deleted = await alice.DeleteAsync("v1/deals/ended"))
        {
            Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());
        }

        Assert.False(File.Exists(leftFile));
        Directory.CreateDirectory(Path.GetDirectoryName(leftFile)!);
        await File.WriteAllBytesAsync(leftFile, leftBytes);

        // A fragment of a deal that never existed, and a half-done write beside a live fragment.
        var stray = Path.Combine(providers, "p1", "never-was", "3.frag");
        Directory.CreateDirectory(Path.GetDirectoryName(stray)!);
        await File.WriteAllBytesAsync(stray, new byte[1000]);
        var partial = Path.Combine(providers, kept.Fragments[0].ProviderId, kept.DealId, "0.frag.partial");
        await File.WriteAllBytesAsync(partial, new byte[500]);
        var live = kept.Fragments.Select(f => Path.Combine(providers, f.ProviderId, kept.DealId, $"{f.Index}.frag")).ToList();

        await silo.RestartAsync();
        await WaitUntilGoneAsync(leftFile, stray);
        Assert.False(Directory.Exists(Path.Combine(providers, "p1", "never-was")), "the emptied deal folder stays");
        Assert.False(File.Exists(partial), "the half-done write stays");
        Assert.All(live, path => Assert.True(File.Exists(path), path + " was deleted"));

        using var again = silo.NewHttpClient(ApiTestSilo.AliceKey);
        Assert.Equal(content, await again.GetByteArrayAsync("v1/deals/kept/content"));
        var audited = await again.PostAsync("v1/deals/kept/audit", null);
        Assert.Equal(6, (await audited.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!.HealthyFragments);
    }

    private static async Task<DealStatus> CreateAsync(HttpClient client, string dealId, byte[] content)
    {
        using var created = await client.PostAsync($"v1/deals?preset=dev&deal_id={dealId}", new ByteArrayContent(content));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
    }

    /// <summary>Waits for the start-up sweep to delete the files (it runs in the background once the providers are
    /// registered), a minute at most.</summary>
    private static async Task WaitUntilGoneAsync(params string[] paths)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (paths.Any(File.Exists))
        {
            Assert.True(DateTime.UtcNow < deadline, "still on disk: " + string.Join(", ", paths.Where(File.Exists)));
            await Task.Delay(50);
        }
    }
}
