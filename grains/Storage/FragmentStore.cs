// Design: a provider's fragments are files {directory}/{dealId}/{index}.frag. A fragment is written to a temporary
// file, flushed to disk (fsync) and renamed into place, so a crash leaves either the whole fragment or none of it.
// The bytes in use are counted at start from the directory and kept in step with every write and delete, and a write
// that would pass the capacity is refused before anything is written. Large fragments are written in pieces
// (BeginWrite, Append, Commit; FragmentWrite): the whole length is reserved against the quota at the start, and the
// commit writes the fragment's chunk hashes to {index}.leaves and its SHA-256 to {index}.sha256 beside it, so reads
// and audits can check one chunk, and the provider sign its commitment, without reading the whole fragment.
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;

namespace Marketplace.Grains.Storage;

/// <summary>One provider's fragment files, under a quota. Thread-safe.</summary>
internal sealed class FragmentStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Deal, int Index), FragmentWrite> _writes = [];
    private long _used = -1;

    public FragmentStore(string directory, long capacityBytes)
    {
        Directory = directory;
        CapacityBytes = capacityBytes;
    }

    /// <summary>The provider's directory.</summary>
    public string Directory { get; }

    /// <summary>Bytes it may hold.</summary>
    public long CapacityBytes { get; }

    /// <summary>Bytes of fragments held now.</summary>
    public long UsedBytes
    {
        get
        {
            lock (_gate)
            {
                return EnsureCounted();
            }
        }
    }

    /// <summary>Writes a fragment durably; the same bytes already there are a no-op.</summary>
    /// <exception cref="QuotaExceededException">It would pass the capacity.</exception>
    public async Task PutAsync(string dealId, int index, byte[] data)
    {
        var path = PathOf(dealId, index);
        long previous;
        lock (_gate)
        {
            EnsureCounted();
            previous = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (_used - previous + data.Length > CapacityBytes)
            {
                throw new QuotaExceededException($"storage provider quota: {data.Length} bytes more would pass its capacity of {CapacityBytes} ({_used} in use)");
            }

            _used += data.Length - previous;
        }

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(data);
            await stream.FlushAsync();
            stream.Flush(flushToDisk: true);
        }

        File.Delete(LeavesPathOf(dealId, index));
        File.Delete(Sha256PathOf(dealId, index));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Starts writing a fragment of <paramref name="length"/> bytes in pieces, reserving its length against
    /// the quota; a write of the same fragment already under way is dropped first.</summary>
    /// <exception cref="QuotaExceededException">It would pass the capacity.</exception>
    public async Task BeginWriteAsync(string dealId, int index, long length, int chunkSize)
    {
        await AbortWriteAsync(dealId, index);
        var path = PathOf(dealId, index);
        long reserved;
        lock (_gate)
        {
            EnsureCounted();
            var previous = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (_used - previous + length > CapacityBytes)
            {
                throw new QuotaExceededException($"storage provider quota: {length} bytes more would pass its capacity of {CapacityBytes} ({_used} in use)");
            }

            reserved = length - previous;
            _used += reserved;
        }

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        FragmentWrite write;
        try
        {
            write = new FragmentWrite(path + ".partial", length, chunkSize, reserved);
        }
        catch
        {
            Release(reserved);
            throw;
        }

        lock (_gate)
        {
            _writes[(dealId, index)] = write;
        }
    }

    /// <summary>Appends a piece of whole chunks to a fragment being written.</summary>
    /// <exception cref="InvalidRequestException">No such write, or a piece out of order or shape.</exception>
    public Task AppendAsync(string dealId, int index, long offset, byte[] piece) => WriteOf(dealId, index).AppendAsync(offset, piece);

    /// <summary>Makes a fragment written in pieces durable: flushed to disk, its chunk hashes written beside it, then
    /// renamed into place.</summary>
    public async Task CommitAsync(string dealId, int index)
    {
        var write = WriteOf(dealId, index);
        var (leaves, sha256) = await write.FinishAsync();
        await WriteDurablyAsync(LeavesPathOf(dealId, index), leaves);
        await WriteDurablyAsync(Sha256PathOf(dealId, index), sha256);
        File.Move(write.TemporaryPath, PathOf(dealId, index), overwrite: true);
        lock (_gate)
        {
            _writes.Remove((dealId, index));
        }
    }

    /// <summary>Drops a fragment write under way (nothing to do when there is none) and gives back its quota.</summary>
    public async Task AbortWriteAsync(string dealId, int index)
    {
        FragmentWrite? write;
        lock (_gate)
        {
            if (_writes.Remove((dealId, index), out write))
            {
                _used -= write.Reserved;
            }
        }

        if (write is not null)
        {
            await write.DisposeAsync();
            File.Delete(write.TemporaryPath);
        }
    }

    /// <summary>Up to <paramref name="count"/> bytes of a fragment from <paramref name="offset"/> (fewer at its end),
    /// or null when it is not held.</summary>
    public async Task<byte[]?> ReadAsync(string dealId, int index, long offset, int count, CancellationToken cancellationToken)
    {
        try
        {
            using var handle = File.OpenHandle(PathOf(dealId, index), FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            var length = RandomAccess.GetLength(handle);
            var take = (int)Math.Clamp(length - offset, 0, count);
            var bytes = new byte[take];
            var read = 0;
            while (read < take)
            {
                var n = await RandomAccess.ReadAsync(handle, bytes.AsMemory(read), offset + read, cancellationToken);
                if (n == 0)
                {
                    return bytes[..read];
                }

                read += n;
            }

            return bytes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The fragment's chunk hashes (32 bytes per chunk of <paramref name="chunkSize"/>): those written at its
    /// commit when they fit its length, else computed from the fragment. Null when it is not held or is not a whole
    /// number of chunks.</summary>
    public async Task<byte[]?> ChunkHashesAsync(string dealId, int index, int chunkSize, CancellationToken cancellationToken)
    {
        var path = PathOf(dealId, index);
        var info = new FileInfo(path);
        if (!info.Exists || chunkSize < 1 || info.Length % chunkSize != 0)
        {
            return null;
        }

        var expected = info.Length / chunkSize * ChunkMerkleTree.HashSize;
        var leavesPath = LeavesPathOf(dealId, index);
        if (File.Exists(leavesPath) && new FileInfo(leavesPath).Length == expected)
        {
            return await File.ReadAllBytesAsync(leavesPath, cancellationToken);
        }

        var leaves = new byte[expected];
        var chunk = new byte[chunkSize];
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        for (var c = 0; c < expected / ChunkMerkleTree.HashSize; c++)
        {
            await stream.ReadExactlyAsync(chunk, cancellationToken);
            ChunkMerkleTree.HashLeaf(chunk, leaves.AsSpan(c * ChunkMerkleTree.HashSize, ChunkMerkleTree.HashSize));
        }

        return leaves;
    }

    /// <summary>The fragment's chunk hashes and SHA-256: those written at its commit when they fit it, else computed
    /// from the fragment as it streams from disk. Null when it is not held or is not a whole number of chunks.</summary>
    public async Task<(byte[] Leaves, byte[] Sha256)?> DigestsAsync(string dealId, int index, int chunkSize, CancellationToken cancellationToken)
    {
        var leaves = await ChunkHashesAsync(dealId, index, chunkSize, cancellationToken);
        if (leaves is null)
        {
            return null;
        }

        var sha256Path = Sha256PathOf(dealId, index);
        if (File.Exists(sha256Path) && new FileInfo(sha256Path).Length == 32)
        {
            return (leaves, await File.ReadAllBytesAsync(sha256Path, cancellationToken));
        }

        try
        {
            await using var stream = new FileStream(PathOf(dealId, index), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return (leaves, await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The fragment's bytes, or null when it is not held.</summary>
    public async Task<byte[]?> GetAsync(string dealId, int index, CancellationToken cancellationToken)
    {
        var path = PathOf(dealId, index);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Deletes a fragment (absent: nothing to do).</summary>
    public void Delete(string dealId, int index)
    {
        var path = PathOf(dealId, index);
        lock (_gate)
        {
            EnsureCounted();
            if (File.Exists(path))
            {
                _used -= new FileInfo(path).Length;
                File.Delete(path);
            }

            foreach (var beside in new[] { LeavesPathOf(dealId, index), Sha256PathOf(dealId, index) })
            {
                if (File.Exists(beside))
                {
                    File.Delete(beside);
                }
            }

            var folder = Path.Combine(Directory, dealId);
            if (System.IO.Directory.Exists(folder) && !System.IO.Directory.EnumerateFileSystemEntries(folder).Any())
            {
                System.IO.Directory.Delete(folder);
            }
        }
    }

    private FragmentWrite WriteOf(string dealId, int index)
    {
        lock (_gate)
        {
            return _writes.TryGetValue((dealId, index), out var write)
                ? write
                : throw new InvalidRequestException($"fragment {index} of deal {dealId} is not being written here (it was committed, dropped, or lost in a restart)");
        }
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _used -= bytes;
        }
    }

    private static async Task WriteDurablyAsync(string path, byte[] bytes)
    {
        var temporary = path + ".partial";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private string Sha256PathOf(string dealId, int index) =>
        Path.Combine(Directory, dealId, index.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".sha256");

    private string LeavesPathOf(string dealId, int index) =>
        Path.Combine(Directory, dealId, index.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".leaves");

    private string PathOf(string dealId, int index) =>
        Path.Combine(Directory, dealId, index.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".frag");

    /// <summary>The fragments held (committed ones: <c>{deal}/{index}.frag</c>), in no particular order.</summary>
    public List<(string DealId, int Index)> List()
    {
        var held = new List<(string, int)>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return held;
        }

        foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var dealId = Path.GetFileName(folder);
            if (!StorageIds.IsValid(dealId))
            {
                continue;
            }

            foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*.frag"))
            {
                if (int.TryParse(Path.GetFileNameWithoutExtension(file), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    held.Add((dealId, index));
                }
            }
        }

        return held;
    }

    /// <summary>Counts the bytes held, once: the first use after a start. Writes a crash left half done
    /// (<c>.partial</c> files: no write of this process has begun yet) are deleted then, and with them deal folders left
    /// empty.</summary>
    private long EnsureCounted()
    {
        if (_used < 0)
        {
            long used = 0;
            if (System.IO.Directory.Exists(Directory))
            {
                foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.partial", SearchOption.AllDirectories))
                {
                    File.Delete(file);
                }

                foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory))
                {
                    if (!System.IO.Directory.EnumerateFileSystemEntries(folder).Any())
                    {
                        System.IO.Directory.Delete(folder);
                    }
                }

                foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.frag", SearchOption.AllDirectories))
                {
                    used += new FileInfo(file).Length;
                }
            }

            _used = used;
        }

        return _used;
    }
}
