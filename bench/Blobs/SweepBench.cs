// The file chunk store's sweep, in one run: a store of --sweep-chunks small chunks, every one referenced by a blob, and
// --changed of them released. The baseline is a sweep that walks every chunk file (what the store's first sweep after
// opening does, and what every sweep did before the journal of marks); the measured one is a later sweep, which reads
// the marks of the chunks that changed since the last. Both delete the same released chunks.
using System.Diagnostics;
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

/// <summary>Times a sweep over the journal against one over every chunk file.</summary>
internal static class SweepBench
{
    private const int ChunksPerBlob = 1000;

    public static async Task<int> RunAsync(int chunks, int changed)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chunk sweep: {chunks} chunks held by blobs, {changed} released per measured sweep; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        var folder = Path.Combine(Path.GetTempPath(), "mkt-bench-sweep-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = Options.Create(new BlobOptions { ChunkStorePath = folder, FlushToDisk = false });
            var log = new BlobLog(NullLogger.Instance);
            var store = new FileChunkStore(options, log);
            var held = new List<(string Blob, ChunkRef Chunk)>(chunks);
            var bytes = new byte[16];
            for (var i = 0; i < chunks; i++)
            {
                BitConverter.TryWriteBytes(bytes, (long)i);
                var hash = await store.WriteAsync(bytes);
                held.Add(($"blob{i / ChunksPerBlob:x64}", new ChunkRef { Hash = hash, Size = bytes.Length }));
            }

            foreach (var blob in held.GroupBy(h => h.Blob))
            {
                await store.AddReferencesAsync(blob.Key, [.. blob.Select(h => h.Chunk)]);
            }

            var past = DateTimeOffset.UtcNow + TimeSpan.FromDays(1);
            await store.SweepAsync(past, int.MaxValue); // the first sweep: every file
            await store.SweepAsync(past, int.MaxValue); // the write marks of the store's filling

            // Baseline: a freshly opened store walks every file.
            await ReleaseAsync(store, held, 0, changed);
            var walking = new FileChunkStore(options, log);
            var watch = Stopwatch.StartNew();
            var walked = await walking.SweepAsync(past, int.MaxValue);
            var walkTime = watch.Elapsed;
            var walkVisited = walking.LastSweepVisited;

            // Measured: the same store's next sweep, over the marks.
            await ReleaseAsync(walking, held, changed, changed);
            watch.Restart();
            var marked = await walking.SweepAsync(past, int.MaxValue);
            var markTime = watch.Elapsed;

            Console.WriteLine($"{"sweep",-22} {"looked at",10} {"deleted",8} {"ms",10} {"x walk",8}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"every chunk file",-22} {walkVisited,10} {walked.Chunks,8} {walkTime.TotalMilliseconds,10:0.0} {1.0,8:0.000}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"journal of marks",-22} {walking.LastSweepVisited,10} {marked.Chunks,8} {markTime.TotalMilliseconds,10:0.0} {markTime / walkTime,8:0.000}"));
            return walked.Chunks == changed && marked.Chunks == changed ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task ReleaseAsync(FileChunkStore store, List<(string Blob, ChunkRef Chunk)> held, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            await store.RemoveReferencesAsync(held[i].Blob, [held[i].Chunk]);
        }
    }
}
