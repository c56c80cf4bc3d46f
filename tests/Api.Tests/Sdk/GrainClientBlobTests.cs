using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Sdk;

/// <summary>GrainMarketplaceClient's blob operations over a real gateway connection to a real silo.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GrainClientBlobTests(GatewaySiloFixture fixture, ITestOutputHelper log)
{
    [Fact]
    public async Task UploadAndDownloadRoundTripAcrossChunksWithProgress()
    {
        var seed = Environment.TickCount;
        log.WriteLine($"seed {seed}");
        var data = new byte[(3 * 1024 * 1024) + 12345];
        new Random(seed).NextBytes(data);
        var client = await fixture.Silo.MarketplaceAsync();

        var sent = new ProgressLog();
        var manifest = await client.UploadBlobAsync(new MemoryStream(data), "application/x-test", sent);
        Assert.Equal(data.Length, manifest.Size);
        Assert.Equal("application/x-test", manifest.MediaType);
        Assert.True(manifest.Chunks.Count > 1, $"{manifest.Chunks.Count} chunks");
        Assert.Equal(data.Length, sent.Values[^1]);
        Assert.True(sent.Values.SequenceEqual(sent.Values.Order()), "progress only grows");

        Assert.Equal(manifest.Id, (await client.GetBlobManifestAsync(manifest.Id)).Id);
        var received = new ProgressLog();
        var copy = new MemoryStream();
        await client.DownloadBlobAsync(manifest.Id, copy, progress: received);
        Assert.Equal(data, copy.ToArray());
        Assert.Equal(data.Length, received.Values[^1]);

        var again = await client.UploadBlobAsync(new MemoryStream(data));
        Assert.Equal(manifest.Id, again.Id);
    }

    [Fact]
    public async Task ANamedClientGivesUpItsBlobAndSeesItsStoredBytes()
    {
        var client = await fixture.Silo.MarketplaceAsync("storage-" + Guid.NewGuid().ToString("N")[..8]);
        var other = await fixture.Silo.MarketplaceAsync("other-" + Guid.NewGuid().ToString("N")[..8]);
        var data = new byte[(2 * 1024 * 1024) + 5];
        new Random(11).NextBytes(data);
        var id = (await client.UploadBlobAsync(new MemoryStream(data))).Id;
        await client.UploadBlobAsync(new MemoryStream(data));
        var storage = await client.GetStorageAsync();
        Assert.Equal((client.ClientId, (long)data.Length, 1, 10L << 30), (storage.ClientId, storage.StoredBytes, storage.BlobCount, storage.MaxStoredBytes));

        await Assert.ThrowsAsync<BlobNotFoundException>(() => other.DeleteBlobAsync(id));
        await client.DeleteBlobAsync(id);
        Assert.Equal((0L, 0), ((await client.GetStorageAsync()).StoredBytes, (await client.GetStorageAsync()).BlobCount));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => client.GetBlobManifestAsync(id));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => client.DeleteBlobAsync(id));
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.DeleteBlobAsync("blob-not-an-id"));
    }

    [Fact]
    public async Task RangesReturnExactlyTheirBytes()
    {
        var data = new byte[(2 * 1024 * 1024) + 777];
        new Random(7).NextBytes(data);
        var client = await fixture.Silo.MarketplaceAsync();
        var id = (await client.UploadBlobAsync(new MemoryStream(data))).Id;
        foreach (var (offset, length) in new (long, long?)[] { (0, 10), (1_048_570, 20), (5, null), (data.Length - 3, 100), (data.Length, null), (123, 0) })
        {
            var part = new MemoryStream();
            await client.DownloadBlobAsync(id, part, offset, length);
            var end = length is { } l ? Math.Min(data.Length, offset + l) : data.Length;
            Assert.Equal(data.AsSpan((int)offset, (int)(end - offset)).ToArray(), part.ToArray());
        }

        var past = await Assert.ThrowsAsync<InvalidRequestException>(() => client.DownloadBlobAsync(id, Stream.Null, data.Length + 1));
        Assert.Equal("invalid_request", past.Code);
    }

    [Fact]
    public async Task EmptyTooLargeUnknownAndMalformedBlobsAreTypedErrors()
    {
        var client = await fixture.Silo.MarketplaceAsync();
        await Assert.ThrowsAsync<BlobEmptyException>(() => client.UploadBlobAsync(new MemoryStream()));
        await Assert.ThrowsAsync<BlobTooLargeException>(() => client.UploadBlobAsync(new MemoryStream(new byte[GatewaySiloFixture.MaxBlobBytes + 1])));
        var unknown = "blob" + new string('a', 64);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => client.GetBlobManifestAsync(unknown));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => client.DownloadBlobAsync(unknown, Stream.Null));
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.GetBlobManifestAsync("blob-not-an-id"));
    }

    [Fact]
    public async Task ChunkProofsNameTheChunk()
    {
        var data = new byte[(2 * 1024 * 1024) + 1];
        new Random(11).NextBytes(data);
        var client = await fixture.Silo.MarketplaceAsync();
        var manifest = await client.UploadBlobAsync(new MemoryStream(data));
        var proof = await client.GetChunkProofAsync(manifest.Id, 1);
        Assert.Equal(manifest.Id, proof.BlobId);
        Assert.Equal(1, proof.Index);
        Assert.Equal(manifest.Chunks.Count, proof.ChunkCount);
        Assert.Equal(manifest.Chunks[1].Hash, proof.ChunkHash);
    }

    [Fact]
    public async Task ANamedClientHasThatClientsAccessAndTheOperatorHasFullAccess()
    {
        var seed = Environment.TickCount;
        log.WriteLine($"seed {seed}");
        var data = new byte[5000];
        new Random(seed).NextBytes(data);
        var alice = await fixture.Silo.MarketplaceAsync("alice");
        var bob = await fixture.Silo.MarketplaceAsync("bob");
        var cluster = await fixture.Silo.ConnectAsync();
        var ops = GrainMarketplaceClient.ForOperator(cluster, "ops");
        Assert.False(alice.IsOperator);
        Assert.True(ops.IsOperator);
        var blob = await alice.UploadBlobAsync(new MemoryStream(data));

        // Bob over the gateway is Bob over HTTP: another client's blob is not found, on every call.
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.GetBlobManifestAsync(blob.Id));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.DownloadBlobAsync(blob.Id, new MemoryStream()));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.GetChunkProofAsync(blob.Id, 0));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.GetBlobAccessAsync(blob.Id));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.PublishBlobAsync(blob.Id));

        // The operator reads and manages it; its own uploads are owned by its client id.
        var copy = new MemoryStream();
        await ops.DownloadBlobAsync(blob.Id, copy);
        Assert.Equal(data, copy.ToArray());
        Assert.Equal(["bob"], (await ops.ShareBlobAsync(blob.Id, "bob")).SharedWith);
        Assert.Equal(blob.Id, (await bob.GetBlobManifestAsync(blob.Id)).Id);
        Assert.Empty((await alice.UnshareBlobAsync(blob.Id, "bob")).SharedWith);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.GetBlobManifestAsync(blob.Id));
        Assert.True((await alice.PublishBlobAsync(blob.Id)).Public);
        Assert.Equal(blob.Id, (await bob.GetBlobManifestAsync(blob.Id)).Id);
        Assert.False((await alice.UnpublishBlobAsync(blob.Id)).Public);

        var opsBlob = await ops.UploadBlobAsync(new MemoryStream(data.AsSpan(0, 1000).ToArray()));
        Assert.Equal(1, (await ops.GetBlobAccessAsync(opsBlob.Id)).OwnerCount);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => alice.GetBlobManifestAsync(opsBlob.Id));
        Assert.Equal(opsBlob.Id, (await new GrainMarketplaceClient(cluster, "ops").GetBlobManifestAsync(opsBlob.Id)).Id);
    }

    [Fact]
    public async Task MalformedIdsFailBeforeAnyCall()
    {
        // A grain factory that fails any use: a malformed id must be refused before a grain is addressed.
        var cluster = System.Reflection.DispatchProxy.Create<IGrainFactory, UnusableGrainFactory>();
        var client = new GrainMarketplaceClient(cluster, "tests");
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.GetJobAsync("job-1"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.CancelJobAsync("JOB" + new string('0', 32)));
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.GetBlobManifestAsync("blob" + new string('g', 64)));
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.ListJobsAsync(limit: 0));
        Assert.Throws<ArgumentException>(() => new GrainMarketplaceClient(cluster, " "));
        Assert.Throws<ArgumentException>(() => GrainMarketplaceClient.ForOperator(cluster, "a/b"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.ShareBlobAsync("blob" + new string('0', 64), "bad\nid"));
    }

    /// <summary>Fails every call: proves a code path never reaches the grain factory.</summary>
    public class UnusableGrainFactory : System.Reflection.DispatchProxy
    {
        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"{targetMethod?.Name} was called on a grain factory the test forbids using");
    }

    /// <summary>Records progress values synchronously (Progress&lt;T&gt; would post them later).</summary>
    internal sealed class ProgressLog : IProgress<long>
    {
        private readonly List<long> _values = [];

        public IReadOnlyList<long> Values
        {
            get
            {
                lock (_values)
                {
                    return [.. _values];
                }
            }
        }

        public void Report(long value)
        {
            lock (_values)
            {
                _values.Add(value);
            }
        }
    }
}
