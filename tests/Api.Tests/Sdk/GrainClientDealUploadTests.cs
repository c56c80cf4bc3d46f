using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Storage;
using Marketplace.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Sdk;

/// <summary>Deals stored through a real gateway connection (<see cref="GrainMarketplaceClient"/> and
/// <see cref="IDealUploadGrain"/>) on a silo with a 2 MiB transfer budget: a blob twelve times the budget streams in
/// piece by piece within the budget and reads back byte-exact over HTTP; pieces out of order, too large or past the
/// length are refused; a short stream leaves the deal as an aborted HTTP upload does.</summary>
public sealed class GrainClientDealUploadTests(ITestOutputHelper output)
{
    private const long Budget = 2L * 1024 * 1024;

    private static Dictionary<string, string?> Settings()
    {
        var settings = StorageTestSettings.Providers(6);
        settings["Marketplace:Storage:MaxDealBytes"] = (256L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Marketplace:Storage:TransferBufferBytes"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    private byte[] Content(int length) => StorageTestSettings.SeededContent(output, length);

    private static async Task<(GatewayConnection Connection, GrainMarketplaceClient Client)> ConnectAsync(ApiTestSilo silo, string clientId = "alice")
    {
        var connection = await GatewayConnection.ConnectAsync([silo.GatewayEndpoint.ToString()], GatewayTestSilo.OperatorCredential);
        return (connection, new GrainMarketplaceClient(connection.Client, clientId));
    }

    private static async Task<byte[]> ReadOverHttpAsync(ApiTestSilo silo, string dealId)
    {
        using var http = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var response = await http.GetAsync($"v1/deals/{dealId}/content", HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var copy = new MemoryStream();
        await (await response.Content.ReadAsStreamAsync()).CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>No fragment file, whole or partial, of the deal at any provider.</summary>
    private static string[] FragmentFiles(ApiTestSilo silo, string dealId) =>
        Directory.EnumerateDirectories(Path.Combine(silo.DataFolder, "providers"))
            .Select(p => Path.Combine(p, StorageTestSettings.DealId("alice", dealId)))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d))
            .ToArray();

    [Fact]
    public async Task A_24_MiB_stream_stores_through_the_gateway_in_pieces_within_the_budget_and_reads_back_over_http()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings());
        var (connection, client) = await ConnectAsync(silo);
        await using var _ = connection;
        var meter = silo.App.Services.GetRequiredService<StorageBufferMeter>();
        var content = Content((24 * 1024 * 1024) + 4321);

        meter.Reset();
        var progress = new GrainClientBlobTests.ProgressLog();
        var deal = await client.StoreAsync(new MemoryStream(content, writable: false), DurabilityPolicy.Dev, dealId: "gw-big", progress: progress);
        var peak = meter.PeakBytes;
        output.WriteLine($"blob {content.Length} bytes in {progress.Values.Count} pieces, budget {Budget}: peak held {peak}");
        Assert.Equal(DealState.Active, deal.State);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), deal.ContentSha256);
        Assert.Equal(content.Length, progress.Values[^1]);
        Assert.Equal(25, progress.Values.Count);
        Assert.True(progress.Values.SequenceEqual(progress.Values.Order()), "progress only grows");
        Assert.InRange(peak, 1, Budget);
        // The silo gives the transfer's buffers back when it disposes the stream, which may come just after the
        // client has the last byte: wait for that release (a buffer never given back fails the wait).
        await meter.WhenReleasedAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, meter.HeldBytes);
        Assert.Equal(content, await ReadOverHttpAsync(silo, "gw-big"));

        // The same id and bytes answer the deal as it is; other bytes under it are refused, as over HTTP.
        var again = await client.StoreAsync(new MemoryStream(content, writable: false), DurabilityPolicy.Dev, dealId: "gw-big");
        Assert.Equal((DealState.Active, deal.CreatedAt, deal.ContentSha256), (again.State, again.CreatedAt, again.ContentSha256));
        var other = (byte[])content.Clone();
        other[^1] ^= 0xff;
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.StoreAsync(new MemoryStream(other), DurabilityPolicy.Dev, dealId: "gw-big"));

        // A stream that cannot seek is spooled first, then streamed the same way; the byte array overload too.
        var small = Content((3 * 1024 * 1024) + 7);
        var spooled = await client.StoreAsync(new OneWayStream(new MemoryStream(small)), DurabilityPolicy.Dev, dealId: "gw-unseekable");
        Assert.Equal(DealState.Active, spooled.State);
        Assert.Equal(small, await ReadOverHttpAsync(silo, "gw-unseekable"));
        Assert.Equal(DealState.Active, (await client.StoreAsync(small[..1000], dealId: "gw-bytes")).State);
        Assert.Equal(small[..1000], await client.RetrieveAsync("gw-bytes"));
    }

    [Fact]
    public async Task Pieces_out_of_order_too_large_past_the_length_or_from_another_client_are_refused_and_a_retry_of_the_last_is_taken()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings());
        var (connection, _) = await ConnectAsync(silo);
        await using var __ = connection;
        var content = Content((2 * 1024 * 1024) + 10);
        var upload = connection.Client.GetGrain<IDealUploadGrain>(StorageTestSettings.DealId("alice", "gw-pieces"));

        // An upload is keyed by a deal id, never by a bare name, which would skip the client's own name space.
        var bare = await Assert.ThrowsAsync<InvalidRequestException>(() => connection.Client.GetGrain<IDealUploadGrain>("gw-pieces")
            .BeginAsync("alice", DurabilityPolicy.Dev, long.MaxValue, StorageDeals.DefaultDuration, 1000));
        Assert.Contains("not a deal id of the silo's form", bare.Message, StringComparison.Ordinal);
        var mib = 1024 * 1024;

        var none = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.WriteAsync("alice", 0, content[..mib]));
        Assert.Contains("no upload", none.Message, StringComparison.Ordinal);
        var begun = await upload.BeginAsync("alice", DurabilityPolicy.Dev, long.MaxValue, StorageDeals.DefaultDuration, content.Length);
        Assert.Equal(DealState.Placing, begun.State);
        await upload.WriteAsync("alice", 0, content[..mib]);
        var skipped = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.WriteAsync("alice", 2 * mib, content[(2 * mib)..]));
        Assert.Contains($"expected {mib}, given {2 * mib}", skipped.Message, StringComparison.Ordinal);
        var back = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.WriteAsync("alice", 0, content[..10]));
        Assert.Contains($"expected {mib}, given 0", back.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => upload.WriteAsync("alice", mib, new byte[StorageDeals.MaxUploadPieceBytes + 1]));
        await Assert.ThrowsAsync<InvalidRequestException>(() => upload.WriteAsync("alice", mib, []));
        await Assert.ThrowsAsync<InvalidRequestException>(() => upload.WriteAsync("alice", mib, new byte[mib + 11]));
        await Assert.ThrowsAsync<DealNotFoundException>(() => upload.WriteAsync("bob", mib, content[mib..(2 * mib)]));
        await Assert.ThrowsAsync<DealNotFoundException>(() => upload.BeginAsync("bob", DurabilityPolicy.Dev, long.MaxValue, StorageDeals.DefaultDuration, content.Length));

        // The last piece again (a client retrying a call whose answer it lost) is taken once.
        await upload.WriteAsync("alice", 0, content[..mib]);
        await upload.WriteAsync("alice", mib, content[mib..(2 * mib)]);
        await upload.WriteAsync("alice", mib, content[mib..(2 * mib)]);
        await upload.WriteAsync("alice", 2 * mib, content[(2 * mib)..]);
        var deal = await upload.CompleteAsync("alice");
        Assert.Equal(DealState.Active, deal.State);
        Assert.Equal(content, await ReadOverHttpAsync(silo, "gw-pieces"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => upload.CompleteAsync("alice"));
    }

    [Fact]
    public async Task A_stream_shorter_than_its_length_or_cancelled_leaves_the_deal_placing_with_nothing_at_the_providers_and_it_stores_again()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings());
        var (connection, client) = await ConnectAsync(silo);
        await using var _ = connection;
        var content = Content((5 * 1024 * 1024) + 99);

        var failure = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            client.StoreAsync(new ShortStream(content, content.Length - 100_000, content.Length), DurabilityPolicy.Dev, dealId: "gw-short"));
        output.WriteLine(failure.Message);
        Assert.Contains($"ended before the {content.Length} bytes", failure.Message, StringComparison.Ordinal);
        Assert.Equal(DealState.Placing, (await client.GetDealAsync("gw-short")).State);
        Assert.Empty(FragmentFiles(silo, "gw-short"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => connection.Client.GetGrain<IDealUploadGrain>(StorageTestSettings.DealId("alice", "gw-short")).CompleteAsync("alice"));

        using var cancel = new CancellationTokenSource();
        var cancelling = new CancellingProgress(cancel, after: 2 * 1024 * 1024);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.StoreAsync(new MemoryStream(content, writable: false), DurabilityPolicy.Dev, dealId: "gw-cancelled", progress: cancelling, cancellationToken: cancel.Token));
        Assert.Equal(DealState.Placing, (await client.GetDealAsync("gw-cancelled")).State);
        Assert.Empty(FragmentFiles(silo, "gw-cancelled"));

        // Storing again under either id places the deal afresh, as after an aborted HTTP upload.
        Assert.Equal(DealState.Active, (await client.StoreAsync(new MemoryStream(content, writable: false), DurabilityPolicy.Dev, dealId: "gw-short")).State);
        Assert.Equal(content, await ReadOverHttpAsync(silo, "gw-short"));
        using var http = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var created = await http.PostAsync("v1/deals?preset=dev&deal_id=gw-cancelled", new ByteArrayContent(content));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal(DealState.Active, (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!.State);
    }

    [Fact]
    public async Task Losing_the_upload_activation_mid_upload_drops_the_partial_writes_and_leaves_the_deal_placing()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings());
        var (connection, client) = await ConnectAsync(silo);
        await using var _ = connection;
        var content = Content((6 * 1024 * 1024) + 3);
        var upload = connection.Client.GetGrain<IDealUploadGrain>(StorageTestSettings.DealId("alice", "gw-lost"));
        var mib = 1024 * 1024;
        await upload.BeginAsync("alice", DurabilityPolicy.Dev, long.MaxValue, StorageDeals.DefaultDuration, content.Length);
        for (var at = 0; at < 3 * mib; at += mib)
        {
            await upload.WriteAsync("alice", at, content[at..(at + mib)]);
        }

        // Past the pipe's pause threshold the providers have begun their fragments.
        Assert.NotEmpty(FragmentFiles(silo, "gw-lost"));
        await silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IDealUploadGrain>(StorageTestSettings.DealId("alice", "gw-lost"))
            .AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        var gone = await Assert.ThrowsAsync<InvalidRequestException>(() => upload.WriteAsync("alice", 3 * mib, content[(3 * mib)..(4 * mib)]));
        Assert.Contains("no upload", gone.Message, StringComparison.Ordinal);
        Assert.Equal(DealState.Placing, (await client.GetDealAsync("gw-lost")).State);
        Assert.Empty(FragmentFiles(silo, "gw-lost"));
        Assert.Equal(DealState.Active, (await client.StoreAsync(content, DurabilityPolicy.Dev, dealId: "gw-lost")).State);
        Assert.Equal(content, await ReadOverHttpAsync(silo, "gw-lost"));
    }

    [Fact]
    public async Task A_provider_dropping_its_fragment_mid_upload_fails_the_upload_with_the_typed_error_and_drops_the_other_writes()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings());
        var (connection, client) = await ConnectAsync(silo);
        await using var _ = connection;
        var content = Content((6 * 1024 * 1024) + 5);
        var upload = connection.Client.GetGrain<IDealUploadGrain>(StorageTestSettings.DealId("alice", "gw-failed"));
        var mib = 1024 * 1024;
        var begun = await upload.BeginAsync("alice", DurabilityPolicy.Dev, long.MaxValue, StorageDeals.DefaultDuration, content.Length);
        await upload.WriteAsync("alice", 0, content[..mib]);

        // The provider of fragment 0 loses its write under way (as in a restart): the next piece to it fails.
        await connection.Client.GetGrain<IStorageProviderGrain>(begun.Fragments[0].ProviderId).AbortFragmentAsync(StorageTestSettings.DealId("alice", "gw-failed"), 0);
        var failure = await Assert.ThrowsAsync<InvalidRequestException>(async () =>
        {
            for (var at = mib; at < content.Length; at += mib)
            {
                await upload.WriteAsync("alice", at, content[at..Math.Min(at + mib, content.Length)]);
            }

            await upload.CompleteAsync("alice");
        });
        output.WriteLine(failure.Message);
        Assert.Contains("is not being written here", failure.Message, StringComparison.Ordinal);
        Assert.Equal(DealState.Placing, (await client.GetDealAsync("gw-failed")).State);
        Assert.Empty(FragmentFiles(silo, "gw-failed"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => upload.CompleteAsync("alice"));

        // The CLI stores through the gateway too, under the same id, placing the deal afresh.
        var folder = Path.Combine(silo.DataFolder, "cli");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "input.bin");
        await File.WriteAllBytesAsync(file, content);
        var cli = new Cli.CliRunner().WithGateway(silo.GatewayEndpoint.ToString()).With("MARKETPLACE_CLIENT_ID", "alice");
        var stored = await cli.RunAsync("store", "--gateway", silo.GatewayEndpoint.ToString(), "--file", file, "--deal-id", "gw-failed", "--json");
        Assert.True(stored.ExitCode == 0, stored.Error);
        Assert.Equal(DealState.Active, (await client.GetDealAsync("gw-failed")).State);
        Assert.Equal(content, await ReadOverHttpAsync(silo, "gw-failed"));
    }

    /// <summary>A stream that reads but cannot seek, as a pipe or a socket.</summary>
    private sealed class OneWayStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A seekable stream that claims <c>claimed</c> bytes but ends after the first <c>ends</c> of
    /// <c>content</c>.</summary>
    private sealed class ShortStream(byte[] content, int ends, long claimed) : MemoryStream(content, 0, ends, writable: false)
    {
        public override long Length => claimed;
    }

    /// <summary>Cancels once <c>after</c> bytes are reported sent.</summary>
    private sealed class CancellingProgress(CancellationTokenSource cancel, long after) : IProgress<long>
    {
        public void Report(long value)
        {
            if (value >= after)
            {
                cancel.Cancel();
            }
        }
    }
}
