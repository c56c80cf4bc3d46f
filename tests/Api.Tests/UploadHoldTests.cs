using System.Net.Http.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Blobs;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>Uploads under way and abandoned count against the client's stored-bytes quota until their chunks may be
/// collected: concurrent uploads cannot write more than the quota between them, and an abandoned one keeps holding its
/// bytes through the collector's grace.</summary>
public sealed class UploadHoldTests(ITestOutputHelper output)
{
    private const int MiB = 1 << 20;
    private const long Quota = 4L * MiB;

    private static readonly DateTimeOffset Start = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A silo where alice may store <see cref="Quota"/> bytes, its blob clock <paramref name="clock"/> when
    /// given.</summary>
    private static Task<ApiTestSilo> StartWithQuotaAsync(ManualClock? clock = null) =>
        ApiTestSilo.StartAsync(
            new Dictionary<string, string?> { ["Marketplace:Blobs:StoredBytesPerClient:alice"] = Quota.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            services: clock is null ? null : s => s.AddKeyedSingleton<TimeProvider>(BlobOptions.ClockKey, clock));

    private static async Task<(long Stored, long Uploads)> UsageAsync(HttpClient client)
    {
        var storage = (await client.GetFromJsonAsync<ClientStorage>("v1/client/storage", MarketplaceJson.Options))!;
        return (storage.StoredBytes, storage.UploadBytes);
    }

    private byte[] Bytes(int length, int salt)
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed} (salt {salt})");
        var bytes = new byte[length];
        new Random(seed ^ salt).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Uploads_under_way_share_the_quota_and_an_abandoned_one_holds_its_bytes_until_its_chunks_may_go()
    {
        var clock = new ManualClock(Start);
        await using var silo = await StartWithQuotaAsync(clock);
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var options = silo.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BlobOptions>>().Value;

        // Upload A holds 3 MiB while it runs.
        var a = grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await a.BeginAsync(BlobCaller.Client("alice"));
        var first = Bytes(3 * MiB, 1);
        for (var offset = 0; offset < first.Length; offset += MiB)
        {
            await a.AppendAtAsync(offset, first[offset..(offset + MiB)]);
        }

        Assert.Equal((0L, 3L * MiB), await UsageAsync(alice));

        // Upload B may bring 1 MiB more, not 2: its second piece is refused and the upload aborted.
        var b = grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await b.BeginAsync(BlobCaller.Client("alice"));
        await b.AppendAtAsync(0, Bytes(MiB, 2));
        await Assert.ThrowsAsync<QuotaExceededException>(() => b.AppendAtAsync(MiB, Bytes(MiB, 3)));
        await Assert.ThrowsAsync<InvalidRequestException>(() => b.AppendAtAsync(MiB, Bytes(MiB, 4)));

        // An HTTP upload is refused before a byte is stored: the quota is full of uploads.
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/blobs", new ByteArrayContent(Bytes(MiB, 5))), 429, "quota_exceeded");

        // A completes: its hold becomes its charge.
        var manifest = await a.CompleteAsync(null, BlobCaller.Client("alice"));
        Assert.Equal(3L * MiB, manifest.Size);
        Assert.Equal((3L * MiB, (long)MiB), await UsageAsync(alice));

        // B was abandoned: it holds its 1 MiB through the idle timeout and the grace after which its chunks may go.
        clock.Advance(options.UnreferencedChunkGrace);
        Assert.Equal((3L * MiB, (long)MiB), await UsageAsync(alice));
        clock.Advance(options.UploadIdleTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal((3L * MiB, 0L), await UsageAsync(alice));
        using var fits = await alice.PostAsync("v1/blobs", new ByteArrayContent(Bytes(MiB, 6)));
        Assert.Equal(System.Net.HttpStatusCode.Created, fits.StatusCode);
    }

    [Fact]
    public async Task An_upload_lost_with_its_silo_keeps_holding_its_bytes_through_the_restart_until_its_chunks_may_go()
    {
        var clock = new ManualClock(Start);
        await using var silo = await StartWithQuotaAsync(clock);
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var options = silo.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BlobOptions>>().Value;
        var upload = grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await upload.BeginAsync(BlobCaller.Client("alice"));
        var written = Bytes(3 * MiB, 21);
        for (var offset = 0; offset < written.Length; offset += MiB)
        {
            await upload.AppendAtAsync(offset, written[offset..(offset + MiB)]);
        }

        // The silo goes down with the upload and the client's ledger; the upload's 3 MiB of chunks stay on disk.
        await silo.RestartAsync();
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var (stored, held) = await UsageAsync(alice);
        Assert.Equal(0L, stored);
        Assert.InRange(held, 3L * MiB, Quota);
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/blobs", new ByteArrayContent(Bytes(2 * MiB, 22))), 429, "quota_exceeded");

        // Held until the latest the lost ledger could have held it: the idle timeout and the grace, and half of that
        // again for renewals the record did not see; then the quota is whole again.
        var span = options.UploadIdleTimeout + options.UnreferencedChunkGrace;
        clock.Advance(span);
        Assert.InRange((await UsageAsync(alice)).Uploads, 3L * MiB, Quota);
        clock.Advance(span / 2 + TimeSpan.FromSeconds(1));
        Assert.Equal((0L, 0L), await UsageAsync(alice));
        using var fits = await alice.PostAsync("v1/blobs", new ByteArrayContent(Bytes((int)Quota, 23)));
        Assert.Equal(System.Net.HttpStatusCode.Created, fits.StatusCode);
    }

    [Fact]
    public async Task A_completed_upload_leaves_no_hold_behind_for_a_restarted_ledger()
    {
        await using var silo = await StartWithQuotaAsync();
        using (var alice = silo.NewHttpClient(ApiTestSilo.AliceKey))
        {
            using var stored = await alice.PostAsync("v1/blobs", new ByteArrayContent(Bytes(3 * MiB, 24)));
            Assert.Equal(System.Net.HttpStatusCode.Created, stored.StatusCode);
            Assert.Equal((3L * MiB, 0L), await UsageAsync(alice));
        }

        await silo.RestartAsync();
        using var again = silo.NewHttpClient(ApiTestSilo.AliceKey);
        Assert.Equal((3L * MiB, 0L), await UsageAsync(again));
        using var fits = await again.PostAsync("v1/blobs", new ByteArrayContent(Bytes(MiB, 25)));
        Assert.Equal(System.Net.HttpStatusCode.Created, fits.StatusCode);
    }

    [Fact]
    public async Task An_upload_id_begun_again_after_its_upload_was_abandoned_keeps_the_old_hold_beside_the_new()
    {
        await using var silo = await StartWithQuotaAsync();
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var id = Guid.NewGuid();
        var upload = grains.GetGrain<IBlobUploadGrain>(id);
        await upload.BeginAsync(BlobCaller.Client("alice"));
        await upload.AppendAtAsync(0, Bytes(2 * MiB, 7));
        await upload.AbortAsync();

        // The same id again (an uploader picks its ids): a new activation, whose new bytes are held beside the old.
        var again = grains.GetGrain<IBlobUploadGrain>(id);
        await again.BeginAsync(BlobCaller.Client("alice"));
        await again.AppendAtAsync(0, Bytes(MiB, 8));
        Assert.Equal((0L, 3L * MiB), await UsageAsync(alice));
        await again.AppendAtAsync(MiB, Bytes(MiB, 9));
        await Assert.ThrowsAsync<QuotaExceededException>(() => again.AppendAtAsync(2 * MiB, Bytes(MiB, 10)));
        Assert.Equal((0L, Quota), await UsageAsync(alice));
    }

    [Fact]
    public async Task Bytes_the_client_owns_upload_again_for_free_while_it_is_past_its_quota()
    {
        await using var silo = await StartWithQuotaAsync();
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var kept = Bytes(3 * MiB, 11);
        using (var stored = await alice.PostAsync("v1/blobs", new ByteArrayContent(kept)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, stored.StatusCode);
        }

        // A job's output stored without a hold (one whose hold ran out) is charged past the quota: alice now stores 5 MiB of 4.
        await BlobTransfer.StoreAsync(grains, BlobCaller.JobOutputFor("alice"), Bytes(2 * MiB, 12), null, CancellationToken.None);
        Assert.Equal((5L * MiB, 0L), await UsageAsync(alice));

        // Her own 3 MiB again: no new byte, nothing held, never refused; new bytes are.
        using (var again = await alice.PostAsync("v1/blobs", new ByteArrayContent(kept)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, again.StatusCode);
        }

        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/blobs", new ByteArrayContent(Bytes(10, 13))), 429, "quota_exceeded");
        Assert.Equal((5L * MiB, 0L), await UsageAsync(alice));
    }

    [Fact]
    public async Task A_piece_before_the_upload_is_begun_and_a_completion_for_another_client_are_refused()
    {
        await using var silo = await ApiTestSilo.StartAsync();
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var upload = grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.AppendAtAsync(0, new byte[10]));
        Assert.Contains("was not begun", error.Message, StringComparison.Ordinal);

        await upload.BeginAsync(BlobCaller.Client("alice"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => upload.BeginAsync(BlobCaller.Client("bob")));
        await upload.AppendAtAsync(0, new byte[10]);
        await Assert.ThrowsAsync<InvalidRequestException>(() => upload.CompleteAsync(null, BlobCaller.Client("bob")));
        Assert.Equal(10, (await upload.CompleteAsync(null, BlobCaller.Client("alice"))).Size);
    }
}
