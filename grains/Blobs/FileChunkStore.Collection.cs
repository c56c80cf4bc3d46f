using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>References from blobs to their chunks, and the sweep of chunks no blob references (see the design note
/// of FileChunkStore.cs).</summary>
internal sealed partial class FileChunkStore
{
    /// <summary>Times a reference or a sweep mark is written again when its folder was missing.</summary>
    private const int ReferenceWriteTries = 3;

    /// <summary>A sweep mark is named by its chunk's hash with this extension, so nothing that looks for a chunk file
    /// by its name finds a mark.</summary>
    internal const string MarkExtension = ".mark";

    /// <summary>Whether a sweep since the store opened got through every chunk file; until then each sweep walks them
    /// all (the marks of a crash between a write and its mark are made there).</summary>
    private volatile bool _walkedOnce;

    /// <summary>Marks that could not be written since the store opened.</summary>
    private int _markFailures;

    /// <summary>Reference changes of at most this many chunks are made on the caller's thread; larger ones (a file
    /// per chunk, about 1,024 for a 1 GiB blob) run on the thread pool, so a blob grain's turn awaits them instead of
    /// blocking its scheduler on file creation.</summary>
    private const int InlineReferenceChanges = 4;

    /// <inheritdoc />
    public Task AddReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunks, CancellationToken cancellationToken = default)
    {
        RequireBlobId(blobId);
        ArgumentNullException.ThrowIfNull(chunks);
        return ChangeReferencesAsync(blobId, chunks, add: true, cancellationToken);
    }

    /// <inheritdoc />
    public Task RemoveReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunks, CancellationToken cancellationToken = default)
    {
        RequireBlobId(blobId);
        ArgumentNullException.ThrowIfNull(chunks);
        return ChangeReferencesAsync(blobId, chunks, add: false, cancellationToken);
    }

    private async Task ChangeReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunks, bool add, CancellationToken cancellationToken)
    {
        if (chunks.Count <= InlineReferenceChanges)
        {
            ChangeReferences(blobId, chunks, add, cancellationToken);
            return;
        }

        await Task.Run(() => ChangeReferences(blobId, chunks, add, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private void ChangeReferences(string blobId, IReadOnlyList<ChunkRef> chunks, bool add, CancellationToken cancellationToken)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (add)
            {
                AddReference(chunks[i].Hash, blobId);
            }
            else
            {
                RemoveReference(chunks[i].Hash, blobId);
            }
        }
    }

    private void RemoveReference(string hash, string blobId)
    {
        var folder = ReferencesOf(hash);
        try
        {
            File.Delete(Path.Combine(folder, blobId));
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
                MarkForSweep(hash);
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Removed already.
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            // Another blob's reference arrived meanwhile: the folder stays with it. Marked all the same, in case the
            // folder stayed for another reason and is empty: the sweep drops the mark of a chunk that is held.
            MarkForSweep(hash);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.ChunkStoreFailed(e, folder);
            throw new BlobStoreException($"The chunk store could not remove blob {blobId}'s reference to chunk {hash}: {e.GetType().Name}. Check the silo's disk.");
        }
    }

    /// <summary>Chunk files and marks the last sweep looked at: every chunk file on the first sweep after the store
    /// opened, the marks of what changed since on the others.</summary>
    internal int LastSweepVisited { get; private set; }

    /// <inheritdoc />
    public Task<ChunkSweep> SweepAsync(DateTimeOffset writtenBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var cutoff = writtenBefore.UtcDateTime;
        try
        {
            if (!_walkedOnce)
            {
                // A mark that could not be written during the walk may be of a chunk the walk had passed already.
                var markFailures = Volatile.Read(ref _markFailures);
                var (swept, complete) = SweepEveryChunk(cutoff, limit, cancellationToken);
                _walkedOnce = complete && Volatile.Read(ref _markFailures) == markFailures;
                return Task.FromResult(swept);
            }

            return Task.FromResult(SweepMarked(cutoff, limit, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.ChunkStoreFailed(e, RootPath);
            throw new BlobStoreException($"The chunk store could not sweep its folder: {e.GetType().Name}. Check the silo's disk.");
        }
    }

    /// <summary>Looks at every chunk file, collects the unreferenced ones past <paramref name="cutoff"/> and marks the
    /// unreferenced ones still in their grace; complete when it got to the end before <paramref name="limit"/>.</summary>
    private (ChunkSweep Swept, bool Complete) SweepEveryChunk(DateTime cutoff, int limit, CancellationToken cancellationToken)
    {
        int chunks = 0, visited = 0;
        long bytes = 0;
        try
        {
            foreach (var first in Directory.EnumerateDirectories(RootPath))
            {
                if (!IsFanOut(first))
                {
                    continue; // tmp/, refs/ and unswept/
                }

                foreach (var second in Directory.EnumerateDirectories(first))
                {
                    foreach (var file in new DirectoryInfo(second).EnumerateFiles())
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (chunks >= limit)
                        {
                            return (new ChunkSweep(chunks, bytes), false);
                        }

                        visited++;
                        if (!BlobIds.IsValidChunkHash(file.Name))
                        {
                            continue; // Not a chunk: never ours to delete.
                        }

                        if (file.LastWriteTimeUtc >= cutoff)
                        {
                            MarkForSweep(file.Name); // In its grace: a later sweep drops the mark if it is referenced.
                        }
                        else if (!IsReferenced(file.Name))
                        {
                            if (TryCollect(file.FullName, file.Name, cutoff) is { } freed)
                            {
                                chunks++;
                                bytes += freed;
                            }
                            else
                            {
                                MarkForSweep(file.Name);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            LastSweepVisited = visited;
        }

        return (new ChunkSweep(chunks, bytes), true);
    }

    /// <summary>Looks at the marked chunks only: each mark is taken away first, and put back for an unreferenced chunk
    /// that is kept (still in its grace, or written again while the sweep looked).</summary>
    private ChunkSweep SweepMarked(DateTime cutoff, int limit, CancellationToken cancellationToken)
    {
        int chunks = 0, visited = 0;
        long bytes = 0;
        if (!Directory.Exists(_unsweptFolder))
        {
            LastSweepVisited = 0;
            return new ChunkSweep(0, 0);
        }

        try
        {
            foreach (var folder in Directory.EnumerateDirectories(_unsweptFolder))
            {
                // The folder's marks are listed before any is touched: a mark put back while the folder is read
                // could otherwise be listed again, and again, on a file system that lists new names last.
                foreach (var mark in Directory.GetFiles(folder))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (chunks >= limit)
                    {
                        return new ChunkSweep(chunks, bytes);
                    }

                    visited++;
                    var hash = Path.GetFileNameWithoutExtension(mark);
                    File.Delete(mark);
                    if (!BlobIds.IsValidChunkHash(hash))
                    {
                        continue; // Not a mark.
                    }

                    try
                    {
                        var chunk = new FileInfo(PathOf(hash));
                        if (!chunk.Exists || IsReferenced(hash))
                        {
                            continue; // Gone, or held: a removal of its last reference marks it again.
                        }

                        if (chunk.LastWriteTimeUtc < cutoff && TryCollect(chunk.FullName, hash, cutoff) is { } freed)
                        {
                            chunks++;
                            bytes += freed;
                        }
                        else if (!IsReferenced(hash))
                        {
                            MarkForSweep(hash);
                        }
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // The mark is away and the chunk's fate undecided: the next sweep walks every file again.
                        _walkedOnce = false;
                        throw;
                    }
                }
            }
        }
        finally
        {
            LastSweepVisited = visited;
        }

        return new ChunkSweep(chunks, bytes);
    }

    /// <summary>Puts chunk <paramref name="hash"/> in the journal of chunks the next sweep looks at. Never fails its
    /// caller (a write or a reference removal that already took effect): a mark that cannot be written is logged, and
    /// the next sweep walks every chunk file instead of the journal, which finds the chunk.</summary>
    private void MarkForSweep(string hash)
    {
        var folder = Path.Combine(_unsweptFolder, hash[..2]);
        var mark = Path.Combine(folder, hash + MarkExtension);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using (File.Open(mark, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                {
                }

                return;
            }
            catch (DirectoryNotFoundException) when (attempt < ReferenceWriteTries)
            {
                try
                {
                    Directory.CreateDirectory(folder);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Tried again, and given up on below.
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.ChunkStoreFailed(e, mark);
                Interlocked.Increment(ref _markFailures);
                _walkedOnce = false;
                return;
            }
        }
    }

    /// <summary>Takes an unreferenced chunk file away and deletes it, unless the second look finds it written or
    /// referenced meanwhile (then it goes back); the bytes freed, or null when it was kept or is gone.</summary>
    private long? TryCollect(string path, string hash, DateTime cutoff)
    {
        var claimed = Path.Combine(_tempFolder, $"{hash}.{Guid.NewGuid():N}.swept");
        try
        {
            File.Move(path, claimed);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // another sweep took it
        }

        var info = new FileInfo(claimed);
        if (info.LastWriteTimeUtc >= cutoff || IsReferenced(hash))
        {
            try
            {
                File.Move(claimed, path);
            }
            catch (IOException) when (File.Exists(path))
            {
                // An upload wrote the chunk anew meanwhile: the file in place is a whole copy.
                File.Delete(claimed);
            }

            return null;
        }

        var size = info.Length;
        File.Delete(claimed);
        return size;
    }

    private void AddReference(string hash, string blobId)
    {
        var folder = ReferencesOf(hash);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(folder);
                using (File.Open(Path.Combine(folder, blobId), FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                {
                }

                return;
            }
            catch (DirectoryNotFoundException) when (attempt < ReferenceWriteTries)
            {
                // A removal of the chunk's last other reference took the folder away between the two steps.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.ChunkStoreFailed(e, folder);
                throw new BlobStoreException($"The chunk store could not record blob {blobId}'s reference to chunk {hash}: {e.GetType().Name}. Check the silo's disk.");
            }
        }
    }

    private bool IsReferenced(string hash)
    {
        var folder = ReferencesOf(hash);
        try
        {
            return Directory.EnumerateFileSystemEntries(folder).Any();
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    private string ReferencesOf(string hash) => Path.Combine(_referencesFolder, hash[..2], hash[2..4], hash);

    /// <summary>Gives every chunk stored before the store kept references one reference, once (the ready file is
    /// written last, so a start that stopped half way does it again).</summary>
    private void PinChunksStoredBeforeReferences()
    {
        var ready = Path.Combine(_referencesFolder, ReferencesReadyFileName);
        if (File.Exists(ready))
        {
            return;
        }

        Directory.CreateDirectory(_referencesFolder);
        foreach (var first in Directory.EnumerateDirectories(RootPath))
        {
            if (!IsFanOut(first))
            {
                continue;
            }

            foreach (var second in Directory.EnumerateDirectories(first))
            {
                foreach (var file in Directory.EnumerateFiles(second))
                {
                    AddReference(Path.GetFileName(file), BeforeCollection);
                }
            }
        }

        File.WriteAllText(ready, "Chunks stored before references were kept carry the reference \"before-collection\".\n");
    }

    private static bool IsFanOut(string folder)
    {
        var name = Path.GetFileName(folder.AsSpan());
        return name.Length == 2 && Uri.IsHexDigit(name[0]) && Uri.IsHexDigit(name[1]);
    }

    private static void RequireBlobId(string blobId)
    {
        if (!BlobIds.IsValid(blobId) && !string.Equals(blobId, BeforeCollection, StringComparison.Ordinal))
        {
            throw new InvalidRequestException($"'{blobId}' is not a blob id.");
        }
    }
}
