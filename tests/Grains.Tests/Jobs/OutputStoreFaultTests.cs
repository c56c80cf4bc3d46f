using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Marketplace.Grains.Tests.Reputation;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A run that went well but whose output could not be stored because the cluster was out of reach (here the
/// chunk store refusing a write, as when the database is away) is the cluster's fault: the job retries at once, with
/// no backoff, and the worker's reputation records no failure.</summary>
public sealed class OutputStoreFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_output_the_cluster_could_not_store_is_retried_at_once_and_not_counted_against_the_worker()
    {
        var store = new RefusingChunkStore();
        // A backoff of an hour: a retry that waited for it would never finish within the test.
        var settings = new JobsSettings().Worker("w1")
            .Set("Marketplace:Jobs:RetryBaseDelay", "01:00:00")
            .Set("Marketplace:Jobs:MaxRetryDelay", "01:00:00");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services =>
            services.AddSingleton<IChunkStore>(sp => store.Over(sp.GetRequiredService<FileChunkStore>())));
        await WorkerTests.WaitForWorkersAsync(silo, 1);
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var input = new byte[2000];
        new Random(seed).NextBytes(input);

        store.RefuseNextWrites(1);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s =>
        {
            s.InputInline = input;
            s.MaxRetries = 2;
        }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        var story = await silo.Grains.DescribeAsync(job.JobId);
        output.WriteLine(story);

        Assert.True(done.Status == JobStatus.Completed, story);
        Assert.Equal(1, store.Refused);
        Assert.Equal(1, done.RetryCount);
        Assert.Contains("retry 1 of", story, StringComparison.Ordinal);
        Assert.Contains("in 0 ms after WorkerLost", story, StringComparison.Ordinal);
        Assert.Contains("not counted against it", story, StringComparison.Ordinal);

        var events = await silo.Grains.EventsAsync("w1");
        Assert.DoesNotContain(events, e => e.Kind == ReputationEventKind.Failure);
        Assert.Contains(events, e => e.Kind == ReputationEventKind.Success && e.JobId == job.JobId);
    }

    /// <summary>The silo's chunk store, refusing the next writes it is told to as a database away would.</summary>
    private sealed class RefusingChunkStore : IChunkStore
    {
        private IChunkStore? _inner;
        private int _toRefuse;
        private int _refused;

        public int Refused => Volatile.Read(ref _refused);

        public long BytesAccepted => Inner.BytesAccepted;

        private IChunkStore Inner => _inner ?? throw new InvalidOperationException("not yet over a store");

        public RefusingChunkStore Over(IChunkStore inner)
        {
            _inner = inner;
            return this;
        }

        public void RefuseNextWrites(int count) => Volatile.Write(ref _toRefuse, count);

        public Task<string> WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Decrement(ref _toRefuse) >= 0)
            {
                Interlocked.Increment(ref _refused);
                throw new BlobStoreException("The chunk store could not write a chunk: the database did not answer (test).");
            }

            return Inner.WriteAsync(bytes, cancellationToken);
        }

        public Task ReadVerifiedAsync(string blobId, int index, ChunkRef chunk, Memory<byte> destination, CancellationToken cancellationToken = default) =>
            Inner.ReadVerifiedAsync(blobId, index, chunk, destination, cancellationToken);

        public Task<bool> ContainsAsync(string hash, int size, CancellationToken cancellationToken = default) =>
            Inner.ContainsAsync(hash, size, cancellationToken);

        public Task AddReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunks, CancellationToken cancellationToken = default) =>
            Inner.AddReferencesAsync(blobId, chunks, cancellationToken);

        public Task RemoveReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunks, CancellationToken cancellationToken = default) =>
            Inner.RemoveReferencesAsync(blobId, chunks, cancellationToken);

        public Task<ChunkSweep> SweepAsync(DateTimeOffset writtenBefore, int limit, CancellationToken cancellationToken = default) =>
            Inner.SweepAsync(writtenBefore, limit, cancellationToken);
    }
}
