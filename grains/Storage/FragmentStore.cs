// Design: a provider's fragments are files {directory}/{dealId}/{index}.frag. A fragment is written to a temporary
// file, flushed to disk (fsync) and renamed into place, so a crash leaves either the whole fragment or none of it.
// The bytes in use are counted at start from the directory and kept in step with every write and delete, and a write
// that would pass the capacity is refused before anything is written.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>One provider's fragment files, under a quota. Thread-safe.</summary>
internal sealed class FragmentStore
{
    private readonly Lock _gate = new();
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

        File.Move(temporary, path, overwrite: true);
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
        }
    }

    private string PathOf(string dealId, int index) =>
        Path.Combine(Directory, dealId, index.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".frag");

    private long EnsureCounted()
    {
        if (_used < 0)
        {
            long used = 0;
            if (System.IO.Directory.Exists(Directory))
            {
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
