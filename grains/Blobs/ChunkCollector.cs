// Design: every ChunkSweepInterval each silo deletes the chunks of its store that no blob references and that were
// last written more than UnreferencedChunkGrace ago (IChunkStore.SweepAsync, in batches). In a PostgreSQL cluster all
// silos sweep the one table: a sweep locks the rows it deletes and skips rows another holds, so they share the work
// instead of colliding. The grace is above MaxUploadDuration, and every write of a chunk renews its last-written time,
// so no chunk of an upload still under way is ever past it; a blob references its chunks before its record is written.
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Blobs;

/// <summary>Deletes the chunks no blob references once they are past their grace, on a timer and on demand.</summary>
internal sealed class ChunkCollector(IChunkStore store, IOptions<BlobOptions> options, BlobLog log, TimeProvider time) : BackgroundService
{
    /// <summary>Chunks deleted per sweep statement.</summary>
    internal const int BatchSize = 1000;

    private readonly BlobOptions _options = options.Value;

    /// <summary>Held while a sweep runs. A backup of the data folder holds it while it takes the database and then the
    /// chunks, so no chunk a blob in the copied database names is swept before it is copied.</summary>
    internal SemaphoreSlim SweepGate { get; } = new(1, 1);

    /// <summary>Deletes every unreferenced chunk last written more than the grace before now; returns what it freed.</summary>
    /// <exception cref="Marketplace.GrainInterfaces.BlobStoreException">The store failed (logged by the store).</exception>
    public async Task<ChunkSweep> CollectAsync(CancellationToken cancellationToken = default)
    {
        var writtenBefore = time.GetUtcNow() - _options.UnreferencedChunkGrace;
        int chunks = 0;
        long bytes = 0;
        await SweepGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var swept = await store.SweepAsync(writtenBefore, BatchSize, cancellationToken).ConfigureAwait(false);
                chunks += swept.Chunks;
                bytes += swept.Bytes;
                if (swept.Chunks < BatchSize)
                {
                    break;
                }
            }
        }
        finally
        {
            SweepGate.Release();
        }

        if (chunks > 0)
        {
            log.ChunksCollected(chunks, bytes, writtenBefore);
        }

        return new ChunkSweep(chunks, bytes);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ChunkSweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await CollectAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Marketplace.GrainInterfaces.BlobStoreException)
                {
                    // The store logged the failure; the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }
}
