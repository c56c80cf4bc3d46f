// The content-addressed chunk store on the silo's disk (the embedded default; a PostgreSQL cluster keeps its chunks in
// the database instead, see silo/Hosting/PostgreSqlChunkStore.cs).
//
// A chunk lives at <root>/<h0h1>/<h2h3>/<h> where h is the 64-hex SHA-256 of its bytes (two fan-out levels keep each
// folder small: a million chunks put ~16 files in a folder). A writer hashes the bytes, and when an intact copy is
// already there it stops (deduplication). Otherwise it writes a temp file under <root>/tmp with a unique name (with
// WriteThrough when FlushToDisk: the write returns once the bytes are on the disk) and renames it over the final
// name. rename(2) is atomic, so readers see either no file or a whole one, and concurrent writers of the same chunk
// need no lock: each renames its own complete, identical file and the last rename wins. A copy that fails the intact
// check (damaged on disk) is replaced by the upload's verified bytes. Readers check the length and the SHA-256 of
// every read against the address and fail with BlobIntegrityException.
//
// Collection: a blob's references are empty files <root>/refs/<h0h1>/<h2h3>/<h>/<blob id>, one per chunk it uses,
// created before the blob's record is written and removed after it is cleared (crash between: a reference too many,
// a chunk kept, never one lost). Every write sets the chunk file's last-write time from the silo's clock, also when an
// intact copy was there. A sweep deletes chunk files with no reference and a last write older than the grace: it first
// renames the file away (atomic), then looks again, and puts it back when it was written or referenced meanwhile. An
// upload of the same bytes that touches the file before the rename is seen by that second look; one that comes after
// finds no file and writes it anew. The chunks stored before references existed are given one reference each, to
// "before-collection", when the store first opens with references (they are never collected).
//
// A sweep does not walk every chunk file each time: the first sweep after the store opens does (it also finds what a
// crash left unmarked), later ones read a journal of the chunks that may have become collectable, empty files
// <root>/unswept/<h0h1>/<h>.mark. A write marks its chunk after the bytes are in place, and the removal of a chunk's last
// reference marks it after the reference is gone. The sweep deletes a mark before it looks at the chunk, and marks it
// again when it keeps an unreferenced chunk for its grace: a write or a removal that races the sweep either comes
// before that look (and is seen by it) or marks the chunk after the sweep took the mark away. So a store of a
// million referenced chunks costs a sweep nothing but the marks of what changed since the last one.
using System.Buffers;
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace Marketplace.Grains.Blobs;

/// <summary>Chunks on disk addressed by SHA-256, written atomically, deduplicated, verified on every read.</summary>
internal sealed partial class FileChunkStore : IChunkStore
{
    /// <summary>Temporary files older than this are left over from a crash and removed when the store opens.</summary>
    internal static readonly TimeSpan StaleTempAge = TimeSpan.FromHours(1);

    /// <summary>The reference that pins every chunk stored before the store kept references.</summary>
    internal const string BeforeCollection = "before-collection";

    private const string TempFolderName = "tmp";

    /// <summary>The journal of chunks a sweep should look at, under the store's folder.</summary>
    internal const string UnsweptFolderName = "unswept";
    /// <summary>The folder of the blobs' references to their chunks, under the store's folder.</summary>
    internal const string ReferencesFolderName = "refs";

    /// <summary>Written once every chunk stored before references existed has its reference.</summary>
    private const string ReferencesReadyFileName = "READY";
    private const int HashBytes = 32;

    private readonly string _tempFolder;
    private readonly string _referencesFolder;
    private readonly string _unsweptFolder;
    private readonly bool _flushToDisk;
    private readonly BlobLog _log;
    private readonly TimeProvider _time;
    private long _bytesAccepted;

    /// <summary>Opens (creating if needed) the store at <see cref="BlobOptions.ChunkStorePath"/>; chunk write times
    /// come from <paramref name="time"/> (the system clock when null).</summary>
    public FileChunkStore(IOptions<BlobOptions> options, BlobLog log, TimeProvider? time = null)
    {
        var o = options.Value;
        RootPath = Path.GetFullPath(o.ChunkStorePath ?? throw new InvalidOperationException("BlobOptions.ChunkStorePath was not resolved; register the store with AddMarketplaceBlobs()."));
        _flushToDisk = o.FlushToDisk;
        _log = log;
        _time = time ?? TimeProvider.System;
        _tempFolder = Path.Combine(RootPath, TempFolderName);
        _referencesFolder = Path.Combine(RootPath, ReferencesFolderName);
        _unsweptFolder = Path.Combine(RootPath, UnsweptFolderName);
        Directory.CreateDirectory(_tempFolder);
        PinChunksStoredBeforeReferences();
        _log.ChunkStoreOpened(RootPath, RemoveStaleTempFiles());
    }

    /// <summary>The store's folder.</summary>
    public string RootPath { get; }

    /// <summary>Bytes handed to <see cref="WriteAsync"/> that are safely in the store (new or deduplicated): a gauge
    /// of upload progress on the silo side.</summary>
    public long BytesAccepted => Interlocked.Read(ref _bytesAccepted);

    /// <summary>The file of the chunk with hash <paramref name="hash"/> (64 lowercase hex).</summary>
    public string PathOf(string hash) => Path.Combine(RootPath, hash[..2], hash[2..4], hash);

    /// <summary>True when a file of <paramref name="size"/> bytes is stored at <paramref name="hash"/>'s address
    /// (its bytes are not read).</summary>
    public bool Contains(string hash, int size)
    {
        var info = new FileInfo(PathOf(hash));
        return info.Exists && info.Length == size;
    }

    /// <inheritdoc />
    public Task<bool> ContainsAsync(string hash, int size, CancellationToken cancellationToken = default) =>
        Task.FromResult(Contains(hash, size));

    /// <summary>Stores <paramref name="bytes"/> under their SHA-256 and returns it (64 lowercase hex).</summary>
    /// <exception cref="BlobStoreException">The disk failed.</exception>
    public async Task<string> WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        var hash = BlobMerkle.HashChunk(bytes.Span);
        var path = PathOf(hash);
        string? temp = null;
        try
        {
            if (!await IsIntactCopyAsync(path, hash, bytes, cancellationToken).ConfigureAwait(false) || !TryTouch(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                temp = Path.Combine(_tempFolder, $"{hash}.{Guid.NewGuid():N}.tmp");
                // WriteThrough (O_SYNC): the write completes once the bytes are on the disk, off the caller's thread.
                var fileOptions = _flushToDisk ? FileOptions.Asynchronous | FileOptions.WriteThrough : FileOptions.Asynchronous;
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, fileOptions))
                {
                    await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                }

                File.SetLastWriteTimeUtc(temp, _time.GetUtcNow().UtcDateTime);
                File.Move(temp, path, overwrite: true);
                temp = null;
            }

            MarkForSweep(hash);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.ChunkStoreFailed(e, temp ?? path);
            throw new BlobStoreException($"The chunk store could not write chunk {hash}: {e.GetType().Name}. Check the silo's disk.");
        }
        finally
        {
            if (temp is not null)
            {
                TryDeleteTemp(temp);
            }
        }

        Interlocked.Add(ref _bytesAccepted, bytes.Length);
        return hash;
    }

    /// <summary>
    /// Reads chunk <paramref name="index"/> of blob <paramref name="blobId"/> into <paramref name="destination"/>
    /// (exactly <see cref="ChunkRef.Size"/> bytes) and checks its length and SHA-256 against <paramref name="chunk"/>.
    /// </summary>
    /// <exception cref="BlobIntegrityException">The file is missing, has the wrong length or the wrong hash; the
    /// message names the blob, the chunk index, the expected and the actual hash.</exception>
    /// <exception cref="BlobStoreException">The disk failed.</exception>
    public async Task ReadVerifiedAsync(string blobId, int index, ChunkRef chunk, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var path = PathOf(chunk.Hash);
        var size = chunk.Size;
        destination = destination[..size];
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            _log.ChunkDamaged(blobId, index, chunk.Hash, path, "file missing");
            throw new BlobIntegrityException(
                $"Blob {blobId} chunk {index} failed its integrity check: expected sha256 {chunk.Hash}, actual: none (the chunk file is missing from the chunk store).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.ChunkStoreFailed(e, path);
            throw new BlobStoreException($"The chunk store could not open chunk {chunk.Hash} of blob {blobId}: {e.GetType().Name}. Check the silo's disk.");
        }

        using (handle)
        {
            string? actual;
            long length;
            try
            {
                length = RandomAccess.GetLength(handle);
                actual = length == size ? await ReadAndCheckAsync(handle, chunk.Hash, destination, cancellationToken).ConfigureAwait(false) : await HashFileAsync(handle, length, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                _log.ChunkStoreFailed(e, path);
                throw new BlobStoreException($"The chunk store could not read chunk {chunk.Hash} of blob {blobId}: {e.GetType().Name}. Check the silo's disk.");
            }

            if (actual is not null)
            {
                var problem = length == size ? "hash mismatch" : $"{length} bytes on disk, {size} expected";
                _log.ChunkDamaged(blobId, index, chunk.Hash, path, problem);
                throw new BlobIntegrityException(
                    $"Blob {blobId} chunk {index} failed its integrity check: expected sha256 {chunk.Hash}, actual {actual} ({problem}).");
            }
        }
    }

    /// <summary>Reads the whole file into <paramref name="destination"/>; null when it hashes to
    /// <paramref name="expectedHash"/>, else the actual hash.</summary>
    private static async Task<string?> ReadAndCheckAsync(SafeFileHandle handle, string expectedHash, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < destination.Length)
        {
            var n = await RandomAccess.ReadAsync(handle, destination[read..], read, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return HashMatches(destination.Span[..read], expectedHash, out var actual) && read == destination.Length ? null : actual;
    }

    private static bool HashMatches(ReadOnlySpan<byte> bytes, string expectedHash, out string actual)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        SHA256.HashData(bytes, hash);
        actual = Convert.ToHexStringLower(hash);
        return string.Equals(actual, expectedHash, StringComparison.Ordinal);
    }

    /// <summary>SHA-256 of a file of any length, streamed through a small pooled buffer.</summary>
    private static async Task<string> HashFileAsync(SafeFileHandle handle, long length, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long position = 0;
            while (position < length)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer, position, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, n);
                position += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>True when <paramref name="path"/> holds exactly <paramref name="bytes"/>; false when it is missing or
    /// differs (then it is logged as repaired: the caller replaces it).</summary>
    private async Task<bool> IsIntactCopyAsync(string path, string hash, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        using (handle)
        {
            if (RandomAccess.GetLength(handle) == bytes.Length)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(bytes.Length);
                try
                {
                    var read = 0;
                    while (read < bytes.Length)
                    {
                        var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read, bytes.Length - read), read, cancellationToken).ConfigureAwait(false);
                        if (n == 0)
                        {
                            break;
                        }

                        read += n;
                    }

                    if (read == bytes.Length && buffer.AsSpan(0, read).SequenceEqual(bytes.Span))
                    {
                        return true;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }

        _log.ChunkRepaired(hash);
        return false;
    }

    /// <summary>Renews the last-write time of an intact copy; false when the file went away meanwhile (a sweep took
    /// it), so the caller writes it anew.</summary>
    private bool TryTouch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, _time.GetUtcNow().UtcDateTime);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    private int RemoveStaleTempFiles()
    {
        var removed = 0;
        var cutoff = DateTime.UtcNow - StaleTempAge;
        foreach (var file in new DirectoryInfo(_tempFolder).EnumerateFiles("*.tmp").Concat(new DirectoryInfo(_tempFolder).EnumerateFiles("*.swept")))
        {
            if (file.LastWriteTimeUtc < cutoff && TryDeleteTemp(file.FullName))
            {
                removed++;
            }
        }

        return removed;
    }

    private bool TryDeleteTemp(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temp file that cannot be deleted now is removed by a later start (it is older than StaleTempAge then).
            _log.ChunkStoreFailed(e, path);
            return false;
        }
    }
}
