using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Marketplace.Grains.Tests.Reputation;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A worker that could not read its input or store its output because the cluster was out of reach (here the
/// chunk store refusing, as when the database is away; a silo that left answers the same way) reports the cluster's
/// fault: the job's first retry goes at once, with no backoff and no wait for the lease, a later one waits the backoff,
/// and the worker's reputation records no failure or timeout.</summary>
public sealed class ClusterFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_output_the_cluster_could_not_store_is_retried_at_once_and_not_counted_against_the_worker()
    {
        var store = new RefusingChunkStore();
        await using var silo = await StartAsync(store);
        var input = Bytes();
        store.RefuseNext(writes: 1);
        var job = await SubmitAsync(silo, s => s.InputInline = input);
        await AssertRetriedAtOnceAsync(silo, job.JobId, store);
    }

    [Fact]
    public async Task An_input_the_cluster_could_not_read_is_retried_at_once_and_not_counted_against_the_worker()
    {
        var store = new RefusingChunkStore();
        await using var silo = await StartAsync(store);
        var input = await BlobTransfer.StoreAsync(silo.Grains, BlobCaller.Client(JobsKit.Client), Bytes(), null, CancellationToken.None);
        store.RefuseNext(reads: 1);
        var job = await SubmitAsync(silo, s => s.InputBlobId = input.Id);
        await AssertRetriedAtOnceAsync(silo, job.JobId, store);
    }

    [Fact]
    public async Task A_cluster_fault_that_repeats_waits_the_backoff_so_the_retries_outlast_a_database_restart()
    {
        var store = new RefusingChunkStore();
        await using var silo = await StartAsync(store);
        var input = Bytes();
        store.RefuseNext(writes: 2);
        var job = await SubmitAsync(silo, s => s.InputInline = input);

        // The first fault is retried at once; the second waits the backoff (an hour here), not spending the last retry.
        var waiting = await silo.Grains.WaitAsync(job.JobId, j => j.RetryCount == 2);
        var story = await silo.Grains.DescribeAsync(job.JobId);
        output.WriteLine(story);
        Assert.Equal(JobStatus.Pending, waiting.Status);
        Assert.Equal(2, store.Refused);
        Assert.Contains("retry 1 of 2 in 0 ms after WorkerLost", story, StringComparison.Ordinal);
        Assert.Contains("retry 2 of 2 in 3600000 ms after WorkerLost", story, StringComparison.Ordinal);
        Assert.DoesNotContain(await silo.Grains.EventsAsync("w1"), e => e.Kind is ReputationEventKind.Failure or ReputationEventKind.Timeout);
        await silo.Grains.GetGrain<IJobGrain>(job.JobId).CancelAsync(JobsKit.Client);
    }

    private static async Task<MarketplaceTestSilo> StartAsync(RefusingChunkStore store)
    {
        // A backoff of an hour: a retry that waited for it would not finish within the test.
        var settings = new JobsSettings().Worker("w1")
            .Set("Marketplace:Jobs:RetryBaseDelay", "01:00:00")
            .Set("Marketplace:Jobs:MaxRetryDelay", "01:00:00")
            .Set("Marketplace:Jobs:LeaseDuration", "01:00:00");
        var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services =>
            services.AddSingleton<IChunkStore>(sp => store.Over(sp.GetRequiredService<FileChunkStore>())));
        await WorkerTests.WaitForWorkersAsync(silo, 1);
        return silo;
    }

    private byte[] Bytes()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var bytes = new byte[2000];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<JobInfo> SubmitAsync(MarketplaceTestSilo silo, Action<JobSubmission> input)
    {
        var quick = await JobsKit.DeployAsync(silo, "quick");
        return await silo.Grains.SubmitAsync(JobsKit.Job(quick, s =>
        {
            input(s);
            s.MaxRetries = 2;
        }));
    }

    private async Task AssertRetriedAtOnceAsync(MarketplaceTestSilo silo, string jobId, RefusingChunkStore store)
    {
        var done = await silo.Grains.WaitTerminalAsync(jobId);
        var story = await silo.Grains.DescribeAsync(jobId);
        output.WriteLine(story);

        Assert.True(done.Status == JobStatus.Completed, story);
        Assert.Equal(1, store.Refused);
        Assert.Equal(1, done.RetryCount);
        Assert.Contains("retry 1 of", story, StringComparison.Ordinal);
        Assert.Contains("in 0 ms after WorkerLost", story, StringComparison.Ordinal);
        Assert.Contains("not counted against it", story, StringComparison.Ordinal);

        var events = await silo.Grains.EventsAsync("w1");
        Assert.DoesNotContain(events, e => e.Kind is ReputationEventKind.Failure or ReputationEventKind.Timeout);
        Assert.Contains(events, e => e.Kind == ReputationEventKind.Success && e.JobId == jobId);
    }

    /// <summary>The silo's chunk store, refusing the next writes or reads it is told to as a database away would.</summary>
    private sealed class RefusingChunkStore : IChunkStore
    {
        private IChunkStore? _inner;
        private int _writesToRefuse;
        private int _readsToRefuse;
        private int _refused;

        public int Refused => Volatile.Read(ref _refused);

        public long BytesAccepted => Inner.BytesAccepted;

        private IChunkStore Inner => _inner ?? throw new InvalidOperationException("not yet over a store");

        public RefusingChunkStore Over(IChunkStore inner)
        {
            _inner = inner;
            return this;
        }

        public void RefuseNext(int writes = 0, int reads = 0)
        {
            Volatile.Write(ref _writesToRefuse, writes);
            Volatile.Write(ref _readsToRefuse, reads);
        }

        public Task<string> WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
        {
            Refuse(ref _writesToRefuse, "write");
            return Inner.WriteAsync(bytes, cancellationToken);
        }

        public Task ReadVerifiedAsync(string blobId, int index, ChunkRef chunk, Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            Refuse(ref _readsToRefuse, "read");
            return Inner.ReadVerifiedAsync(blobId, index, chunk, destination, cancellationToken);
        }

        public Task<bool> ContainsAsync(string hash, int size, CancellationToken cancellationToken = default) =>
            Inner.ContainsAsync(hash, size, cancellationToken);

        public Task AddReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunks, CancellationToken cancellationToken = default) =>
            Inner.AddReferencesAsync(blobId, chunks, cancellationToken);

        public Task RemoveReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunks, CancellationToken cancellationToken = default) =>
            Inner.RemoveReferencesAsync(blobId, chunks, cancellationToken);

        public Task<ChunkSweep> SweepAsync(DateTimeOffset writtenBefore, int limit, CancellationToken cancellationToken = default) =>
            Inner.SweepAsync(writtenBefore, limit, cancellationToken);

        private void Refuse(ref int toRefuse, string what)
        {
            if (Interlocked.Decrement(ref toRefuse) >= 0)
            {
                Interlocked.Increment(ref _refused);
                throw new BlobStoreException($"The chunk store could not {what} a chunk: the database did not answer (test).");
            }
        }
    }
}
