using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>Storage providers as market participants, on one silo: their advertisements on the capabilities stream,
/// the minimum stake placement asks of them, and what a provider answering audits with garbage pays: reputation and,
/// through its own signed answer, stake, once.</summary>
public sealed class StorageProviderMarketTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private static Dictionary<string, string?> Providers(int count) => StorageTestSettings.Providers(count, capacityBytes: 10_000_000, region: "eu");

    private byte[] Content(int length) => StorageTestSettings.SeededContent(output, length);

    [Fact]
    public async Task Providers_advertise_on_the_capabilities_stream_and_a_subscriber_sees_their_free_space_drop_after_a_deal()
    {
        await using var silo = await ApiTestSilo.StartAsync(Providers(6));
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var directory = grains.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey);

        // The directory heard every provider announce itself when the silo started.
        var initial = await WaitForAsync(directory.ListAdvertisementsAsync, ads => ads.Count == 6, "six advertisements in the directory");
        Assert.All(initial, a =>
        {
            Assert.True(a.Online);
            Assert.Equal(10_000_000, a.CapacityBytes);
            Assert.Equal(10_000_000, a.FreeBytes);
            Assert.Equal(1_000_000, a.PricePerGiBMonth);
            Assert.Equal("eu", a.Labels["region"]);
            Assert.Equal(96, a.PublicKey.Length);
        });
        Assert.Equal(6, initial.Select(a => a.PublicKey).Distinct().Count());

        // A subscriber of its own, on the capabilities stream, taking it untyped as the directories do.
        var heard = new ConcurrentQueue<StorageProviderAdvertisement>();
        var stream = silo.App.Services.GetRequiredService<IClusterClient>().GetStreamProvider(MarketplaceStreams.Provider)
            .GetStream<object>(StreamId.Create(MarketplaceStreams.Capabilities, MarketplaceStreams.BroadcastKey));
        var subscription = await stream.SubscribeAsync((item, _) =>
        {
            if (item is StorageProviderAdvertisement advertisement)
            {
                heard.Enqueue(advertisement);
            }

            return Task.CompletedTask;
        });

        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=deal-ad", new ByteArrayContent(Content(500_000)));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        var fragmentBytes = (long)deal.ChunkSize * deal.ChunkCount;

        await WaitForAsync(() => Task.FromResult(heard.ToArray()), ads => deal.Fragments.All(f => ads.Any(a => a.ProviderId == f.ProviderId && a.FreeBytes == 10_000_000 - fragmentBytes)), "the subscriber hearing every provider of the deal with less free space");
        var after = await WaitForAsync(directory.ListAdvertisementsAsync, ads => ads.All(a => a.FreeBytes == 10_000_000 - fragmentBytes), "the directory's advertisements with less free space");
        Assert.Equal(initial.Select(a => a.PublicKey), after.Select(a => a.PublicKey));

        // The workers are heard all the same: their heartbeats call the worker directory, not this stream.
        var workerDirectory = grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        await WaitForAsync(workerDirectory.ListOnlineIdsAsync, ids => ids.Length > 0, "the worker directory listing online workers");
        await subscription.UnsubscribeAsync();
    }

    [Fact]
    public async Task Placement_skips_providers_below_the_minimum_stake_and_a_provider_answering_garbage_loses_reputation_and_is_slashed_once_across_audits_and_a_restart()
    {
        var settings = Providers(7);
        settings["Marketplace:Ledger:Enabled"] = "true";
        settings["Marketplace:Storage:MinimumProviderStake"] = "1000";
        await using var silo = await ApiTestSilo.StartAsync(settings);
        var ledger = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ISettlement>(ISettlement.DefaultKey);
        await ledger.DepositAsync("alice", 1_000_000_000u, "bank-1");
        for (var i = 1; i <= 6; i++)
        {
            await ledger.StakeAsync($"p{i}", 5_000u, $"stake-p{i}");
        }

        await ledger.StakeAsync("p7", 999u, "stake-p7");

        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = Content(300_000);
        var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=deal-slash", new ByteArrayContent(content));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.DoesNotContain(deal.Fragments, f => f.ProviderId == "p7");
        Assert.Contains(deal.WhyNotPlaced, r => r.ProviderId == "p7" && r.Reason == "stake_below_minimum");
        Assert.All(deal.Fragments, f => Assert.NotNull(f.Commitment));

        // Fragment 2's provider garbles what it holds and keeps answering audits, signed, from the garbage. With p7
        // below the stake there is no provider to repair onto, so it is asked again in every round.
        var garbler = deal.Fragments[2].ProviderId;
        var file = Path.Combine(silo.DataFolder, "providers", garbler, StorageTestSettings.DealId("alice", "deal-slash"), "2.frag");
        var garbage = new byte[new FileInfo(file).Length];
        new Random(11).NextBytes(garbage);
        await File.WriteAllBytesAsync(file, garbage);

        var audited = await AuditAsync(alice, "deal-slash");
        Assert.Equal(FragmentHealth.Corrupt, audited.Fragments[2].Health);
        Assert.Equal(DealState.Degraded, audited.State);
        Assert.Contains(audited.WhyNotPlaced, r => r.ProviderId == "p7" && r.Reason == "stake_below_minimum");
        Assert.Equal(garbler, audited.Fragments[2].ProviderId);
        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/deal-slash/content"));

        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var wrong = await WrongResultsAsync(grains, garbler);
        var evidenceHash = Assert.Single(wrong).Hash!;
        Assert.Equal((UInt128)2_500, (await ledger.GetStakeAsync(garbler)).Bonded); // 50 % for a wrong result
        foreach (var honest in deal.Fragments.Where(f => f.ProviderId != garbler))
        {
            Assert.Equal((UInt128)5_000, (await ledger.GetStakeAsync(honest.ProviderId)).Bonded);
            Assert.Empty((await grains.GetGrain<IReputationGrain>(honest.ProviderId).GetEventsAsync(null, 100)).Events);
        }

        // Another round, then a restart and another: new wrong answers, the same broken commitment, no new penalty.
        Assert.Equal(FragmentHealth.Corrupt, (await AuditAsync(alice, "deal-slash")).Fragments[2].Health);
        await silo.RestartAsync();
        using var again = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var reaudited = await AuditAsync(again, "deal-slash");
        Assert.Equal(FragmentHealth.Corrupt, reaudited.Fragments[2].Health);
        Assert.Equal(3, reaudited.Fragments[2].AuditsFailed);
        grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        ledger = grains.GetGrain<ISettlement>(ISettlement.DefaultKey);
        Assert.Single(await WrongResultsAsync(grains, garbler));
        Assert.Equal((UInt128)2_500, (await ledger.GetStakeAsync(garbler)).Bonded);
        var slashes = 0;
        string? cursor = null;
        do
        {
            var page = await ledger.GetJournalAsync(cursor, 1000);
            slashes += page.Entries.Count(e => e.Operation == LedgerOperation.Slash);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(1, slashes);

        // The evidence stands alone: the commitment from the deal and a signed answer from the provider, checked
        // offline, name the same offence; a tampered answer does not verify; submitted again, it is a repeat.
        var commitment = reaudited.Fragments[2].Commitment!;
        var challenge = new StorageChallenge { DealId = StorageTestSettings.DealId("alice", "deal-slash"), Fragment = 2, ChunkIndex = 0, ChunkSize = reaudited.ChunkSize };
        var answer = await grains.GetGrain<IStorageProviderGrain>(garbler).ProveAsync(challenge);
        var evidence = new StorageFaultEvidence { ProviderId = garbler, Commitment = commitment, Challenge = challenge, Answer = answer };
        Assert.Null(StorageFaultEvidenceVerifier.Verify(evidence));
        Assert.Equal(evidenceHash, Convert.ToHexStringLower(StorageFaultEvidence.Hash(commitment)));
        var tampered = new StorageFaultEvidence { ProviderId = garbler, Commitment = commitment, Challenge = challenge, Answer = new StorageProof { Chunk = [.. answer.Chunk.Reverse()], Proof = answer.Proof, Signature = answer.Signature } };
        Assert.Contains("signature", StorageFaultEvidenceVerifier.Verify(tampered), StringComparison.Ordinal);
        var repeat = await grains.GetGrain<IStorageFaultEvidenceGrain>(evidenceHash).SubmitAsync(evidence);
        Assert.True(repeat.Repeated);
        Assert.Equal((UInt128)2_500, repeat.Slashed);
        Assert.Equal(garbler, repeat.ProviderId);

        // An honest provider's answer is no evidence.
        var honestFragment = reaudited.Fragments[0];
        var honestChallenge = new StorageChallenge { DealId = StorageTestSettings.DealId("alice", "deal-slash"), Fragment = 0, ChunkIndex = 0, ChunkSize = reaudited.ChunkSize };
        var honestAnswer = await grains.GetGrain<IStorageProviderGrain>(honestFragment.ProviderId).ProveAsync(honestChallenge);
        Assert.Contains("no fault", StorageFaultEvidenceVerifier.Verify(new StorageFaultEvidence { ProviderId = honestFragment.ProviderId, Commitment = honestFragment.Commitment!, Challenge = honestChallenge, Answer = honestAnswer }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Placement_passes_over_banned_providers_and_those_below_the_minimum_reputation_and_prefers_the_better_reputation_at_one_price()
    {
        await using var silo = await ApiTestSilo.StartAsync(Providers(9));
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();

        // Failed audits as the deals record them: p3 falls below the minimum (0.5) but above the ban floor (0.3), p5
        // falls through the floor and is banned, p4 fails once and stays eligible with the lowest score of the rest.
        var low = await FailUntilAsync(grains, "p3", r => r.Score < 0.5);
        Assert.Null(low.BannedUntil);
        var banned = await FailUntilAsync(grains, "p5", r => r.BannedUntil is not null);
        var once = await FailUntilAsync(grains, "p4", _ => true);
        Assert.InRange(once.Score, 0.5, 0.8 - 1e-9);
        output.WriteLine($"p3 {low.Score:0.000}, p4 {once.Score:0.000}, p5 {banned.Score:0.000} banned: {banned.BanReason}");

        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var created = await alice.PostAsync("v1/deals?preset=dev&deal_id=deal-reputation", new ByteArrayContent(Content(200_000)));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(["p1", "p2", "p6", "p7", "p8", "p9"], deal.Fragments.Select(f => f.ProviderId).Order(StringComparer.Ordinal));
        Assert.Contains(deal.WhyNotPlaced, r => r.ProviderId == "p3" && r.Reason == "reputation_below_minimum");
        Assert.Contains(deal.WhyNotPlaced, r => r.ProviderId == "p5" && r.Reason == "banned");
        Assert.Contains(deal.WhyNotPlaced, r => r.ProviderId == "p4" && r.Reason == "not_needed");

        // Six providers, one of them banned: the deal cannot be placed, and the problem names why.
        await using var fewer = await ApiTestSilo.StartAsync(Providers(6));
        var fewerGrains = fewer.App.Services.GetRequiredService<IGrainFactory>();
        await FailUntilAsync(fewerGrains, "p2", r => r.BannedUntil is not null);
        using var bob = fewer.NewHttpClient(ApiTestSilo.AliceKey);
        using var refused = await bob.PostAsync("v1/deals?preset=dev&deal_id=deal-barred", new ByteArrayContent(Content(1_000)));
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.Conflict, problem);
        Assert.Contains("deal_not_placed", problem, StringComparison.Ordinal);
        Assert.Contains("banned", problem, StringComparison.Ordinal);
    }

    /// <summary>Records failed audits against <paramref name="providerId"/>, as a deal's penalties do, until its
    /// reputation satisfies <paramref name="done"/> (at most 50).</summary>
    private static async Task<WorkerReputation> FailUntilAsync(IGrainFactory grains, string providerId, Func<WorkerReputation, bool> done)
    {
        var reputation = grains.GetGrain<IReputationGrain>(providerId);
        for (var i = 0; i < 50; i++)
        {
            await reputation.RecordAsync(new ReputationEvent { EventId = $"storage/test/{i}", WorkerId = providerId, Kind = ReputationEventKind.Failure, JobId = "test" });
            var now = await reputation.GetAsync();
            if (done(now))
            {
                return now;
            }
        }

        throw new InvalidOperationException($"{providerId}'s reputation never reached the wanted state");
    }

    private static async Task<DealStatus> AuditAsync(HttpClient client, string dealId)
    {
        using var response = await client.PostAsync($"v1/deals/{dealId}/audit", null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
    }

    private static async Task<List<ReputationEvent>> WrongResultsAsync(IGrainFactory grains, string providerId) =>
        [.. (await grains.GetGrain<IReputationGrain>(providerId).GetEventsAsync(null, 100)).Events.Where(e => e.Kind == ReputationEventKind.WrongResult)];

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {Bound.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(50);
        }
    }
}
