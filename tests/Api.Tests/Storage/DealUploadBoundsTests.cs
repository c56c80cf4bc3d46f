using System.Net;
using System.Net.Http.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Silo.Api;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Storage;

/// <summary>A client cannot hold the providers' space with deal uploads it never finishes: it has a bounded number
/// under way at once, and an upload that crawls is cut off and stores nothing. Each step waits on the event itself.</summary>
public sealed class DealUploadBoundsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_past_its_uploads_under_way_is_refused_while_others_go_on_and_gets_its_slot_back_when_one_ends()
    {
        var settings = StorageTestSettings.Providers(6);
        settings["Marketplace:Storage:MaxConcurrentDealUploadsPerClient"] = "1";
        await using var silo = await ApiTestSilo.StartAsync(settings);
        var slots = silo.App.Services.GetRequiredService<DealUploadSlots>();
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);

        var gate = new TaskCompletionSource();
        var first = alice.PostAsync("v1/deals?preset=dev", new GatedContent(Bytes(300_000), 1_000, gate.Task));
        await WaitAsync(() => slots.InUse("alice") == 1, "alice's first upload under way");

        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev", new ByteArrayContent(Bytes(1_000))), 429, "quota_exceeded");
        using (var other = await bob.PostAsync("v1/deals?preset=dev", new ByteArrayContent(Bytes(1_000))))
        {
            Assert.True(other.StatusCode == HttpStatusCode.Created, await other.Content.ReadAsStringAsync());
        }

        gate.SetResult();
        using (var done = await first)
        {
            Assert.True(done.StatusCode == HttpStatusCode.Created, await done.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, slots.InUse("alice"));
        using var again = await alice.PostAsync("v1/deals?preset=dev", new ByteArrayContent(Bytes(1_000)));
        Assert.True(again.StatusCode == HttpStatusCode.Created, await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_upload_slower_than_the_minimum_rate_is_cut_off_and_the_space_it_held_is_placed_again()
    {
        // Providers of 1.5 MB: a 4+2 deal of 4 MB needs about 1 MB of each, so while alice's crawling upload holds its
        // space no other such deal fits; once it is cut off, bob's does.
        var settings = StorageTestSettings.Providers(6, capacityBytes: 1_500_000);
        settings["Marketplace:Storage:MinUploadBytesPerSecond"] = "262144";
        await using var silo = await ApiTestSilo.StartAsync(settings);
        var slots = silo.App.Services.GetRequiredService<DealUploadSlots>();
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);

        var never = new TaskCompletionSource();
        var crawling = alice.PostAsync("v1/deals?preset=dev", new GatedContent(Bytes(4_000_000), 64 * 1024, never.Task));
        await WaitAsync(() => slots.InUse("alice") == 1, "alice's upload under way");

        // Aborted by the silo once it has waited 5 s for 64 KiB: the upload ends there (its slot comes back) and the
        // space it held is placed again, long before the client's own 60 s timeout.
        var started = System.Diagnostics.Stopwatch.StartNew();
        await WaitAsync(() => slots.InUse("alice") == 0, "alice's upload ended by the silo");
        output.WriteLine($"the silo ended the crawling upload after {started.Elapsed.TotalSeconds:0.0} s");
        Assert.False(crawling.IsCompletedSuccessfully, "the crawling upload was answered before the silo ended it");
        using (var placed = await bob.PostAsync("v1/deals?preset=dev", new ByteArrayContent(Bytes(4_000_000))))
        {
            Assert.True(placed.StatusCode == HttpStatusCode.Created, await placed.Content.ReadAsStringAsync());
        }

        // The client, sending the rest now, finds its request cut off: never a stored deal.
        never.SetResult();
        try
        {
            using var answer = await crawling;
            Assert.NotEqual(HttpStatusCode.Created, answer.StatusCode);
        }
        catch (HttpRequestException e)
        {
            output.WriteLine($"the crawling client saw: {e.Message}");
        }

        var deals = await alice.GetFromJsonAsync<DealList>("v1/deals", MarketplaceJson.Options);
        Assert.DoesNotContain(deals!.Deals, d => d.State is DealState.Active or DealState.Degraded or DealState.Repairing);
    }

    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        new Random(20261126).NextBytes(bytes);
        return bytes;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"never saw {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>A body of known length that sends its first <c>head</c> bytes, then the rest once the gate opens.</summary>
    private sealed class GatedContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly int _head;
        private readonly Task _gate;

        public GatedContent(byte[] bytes, int head, Task gate)
        {
            _bytes = bytes;
            _head = head;
            _gate = gate;
            Headers.ContentLength = bytes.Length;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, _head), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            await _gate.WaitAsync(cancellationToken);
            await stream.WriteAsync(_bytes.AsMemory(_head), cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}
