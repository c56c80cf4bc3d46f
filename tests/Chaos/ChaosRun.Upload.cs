using System.Diagnostics;
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;

namespace Marketplace.Chaos;

/// <summary>A silo stopped (<c>docker stop</c>), and PostgreSQL restarted, while a client uploads a blob.</summary>
internal sealed partial class ChaosRun
{
    private const int UploadBytes = 32 << 20;

    /// <summary>
    /// A 32 MiB upload to silo3 that sends a MiB every 100 ms; once a MiB has gone, silo3 is stopped. The upload must
    /// end within the bound, either stored whole or refused (a typed error or a broken connection), never half stored
    /// under the blob's id; the same bytes uploaded again through silo1 must read back whole through silo2; silo3 must
    /// come back ready.
    /// </summary>
    private async Task CheckUploadAcrossAStopAsync()
    {
        const int Seed = 20261125;
        var content = new byte[UploadBytes];
        new Random(Seed).NextBytes(content);
        var expected = Convert.ToHexStringLower(SHA256.HashData(content));

        var upload = await BeginPacedUploadAsync(content, "silo3");
        var watch = Stopwatch.StartNew();
        var stop = cluster.RunAsync("stop silo3", TimeSpan.FromMinutes(2));
        string first;
        try
        {
            var manifest = await upload;
            first = $"stored as {manifest.Id} ({manifest.Size} bytes)";
            if (manifest.Size != UploadBytes)
            {
                first = "stored short: " + first;
            }
        }
        catch (Exception e) when (e is MarketplaceException or HttpRequestException or IOException or OperationCanceledException)
        {
            first = $"refused after {watch.Elapsed.TotalSeconds:0.0} s ({e.GetType().Name})";
        }

        await stop;
        await cluster.RunAsync("start silo3", TimeSpan.FromMinutes(2));
        var ready = await cluster.WaitReadyAsync("silo3", TimeSpan.FromMinutes(5));

        var silo1 = _silos.Single(s => s.Service == "silo1").Client;
        var again = await silo1.UploadBlobAsync(new MemoryStream(content), "application/octet-stream");
        var back = new MemoryStream();
        await _silos.Single(s => s.Service == "silo2").Client.DownloadBlobAsync(again.Id, back);
        var readBack = Convert.ToHexStringLower(SHA256.HashData(back.ToArray()));
        var firstClean = first.StartsWith("refused", StringComparison.Ordinal) || first.StartsWith("stored as " + again.Id, StringComparison.Ordinal);
        Check("a silo stopped mid-upload loses no byte and stores no part as the blob",
            firstClean && readBack == expected && back.Length == UploadBytes,
            $"upload to silo3: {first}; again through silo1: {again.Id}, read back through silo2 {(readBack == expected ? "whole" : "DIFFERENT")}; silo3 ready again {ready.TotalSeconds:0.0} s after its start (content seed {Seed})");
    }

    /// <summary>
    /// A 32 MiB upload to silo1 that sends a MiB every 100 ms; once a MiB has gone, PostgreSQL (which holds every blob
    /// chunk in this cluster) is killed and started again 5 s later. The upload must end within the bound, stored whole
    /// or refused, never half stored: a refused upload's blob id (computed here from the bytes) must not read back, a
    /// stored one must read back whole through silo2 once every silo is ready again.
    /// </summary>
    private async Task CheckUploadAcrossAPostgresRestartAsync()
    {
        const int Seed = 20261127;
        var content = new byte[UploadBytes];
        new Random(Seed).NextBytes(content);
        var expected = Convert.ToHexStringLower(SHA256.HashData(content));
        var blobId = BlobMerkle.ComputeBlobId([.. content.Chunk(1 << 20).Select(c => BlobMerkle.HashChunk(c))]);

        var upload = await BeginPacedUploadAsync(content, "silo1");
        var watch = Stopwatch.StartNew();
        await cluster.RunAsync("kill postgres", TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(5));
        await cluster.RunAsync("start postgres", TimeSpan.FromMinutes(2));
        string first;
        var stored = false;
        try
        {
            var manifest = await upload;
            stored = manifest.Id == blobId && manifest.Size == UploadBytes;
            first = $"stored as {manifest.Id} ({manifest.Size} bytes){(stored ? "" : ", NOT THE BYTES SENT")}";
        }
        catch (Exception e) when (e is MarketplaceException or HttpRequestException or IOException or OperationCanceledException)
        {
            first = $"refused after {watch.Elapsed.TotalSeconds:0.0} s ({e.GetType().Name})";
        }

        var ready = new List<string>();
        foreach (var (service, _) in ComposeCluster.Silos)
        {
            ready.Add($"{service} {(await cluster.WaitReadyAsync(service, TimeSpan.FromMinutes(5))).TotalSeconds:0.0} s");
        }

        // The blob as the cluster has it now, read through another silo: whole, or absent when the upload was refused
        // (a refusal whose upload completed on the silo is whole, which is fine; an acknowledged upload must be
        // whole). A try that meets a silo still rejoining is asked again, within two minutes.
        var silo2 = _silos.Single(s => s.Service == "silo2").Client;
        string after = "not read";
        var clean = false;
        for (var deadline = Stopwatch.StartNew(); deadline.Elapsed < TimeSpan.FromMinutes(2);)
        {
            try
            {
                var back = new MemoryStream();
                await silo2.DownloadBlobAsync(blobId, back);
                var whole = back.Length == UploadBytes && Convert.ToHexStringLower(SHA256.HashData(back.ToArray())) == expected;
                after = whole ? "reads back whole" : $"reads back {back.Length} bytes, NOT THE STORED CONTENT";
                clean = whole;
                break;
            }
            catch (BlobNotFoundException)
            {
                after = "not stored";
                clean = !stored;
                break;
            }
            catch (Exception e) when (e is MarketplaceException or HttpRequestException or IOException or OperationCanceledException)
            {
                after = $"unreadable ({e.GetType().Name}: {e.Message})";
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        Check("an upload cut by a PostgreSQL restart is stored whole or not at all",
            clean,
            $"upload to silo1: {first}; then {blobId[..16]}… {after}; silos ready: {string.Join(", ", ready)} (content seed {Seed})");
    }

    /// <summary>Starts uploading <paramref name="content"/> to <paramref name="service"/> a MiB every 100 ms (bounded
    /// at two minutes) and answers the upload once its first MiB has gone.</summary>
    private async Task<Task<BlobManifest>> BeginPacedUploadAsync(byte[] content, string service)
    {
        var source = new PacedStream(content, 1 << 20, TimeSpan.FromMilliseconds(100));
        var silo = _silos.Single(s => s.Service == service).Client;
        var upload = Task.Run(async () =>
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            return await silo.UploadBlobAsync(source, "application/octet-stream", cancellationToken: bound.Token);
        });
        await source.FirstChunkSent.WaitAsync(TimeSpan.FromMinutes(1));
        return upload;
    }

    /// <summary>Hands out its bytes a chunk per <c>pace</c>, and says when the first chunk has gone.</summary>
    private sealed class PacedStream(byte[] content, int chunk, TimeSpan pace) : Stream
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task FirstChunkSent => _first.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => content.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= content.Length)
            {
                return 0;
            }

            if (_position > 0 && _position % chunk == 0)
            {
                _first.TrySetResult();
                await Task.Delay(pace, cancellationToken);
            }

            var count = Math.Min(buffer.Length, Math.Min(content.Length - _position, chunk - (_position % chunk)));
            content.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
