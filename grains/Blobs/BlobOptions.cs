using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>The blob store's settings (configuration section <c>Marketplace:Blobs</c>).</summary>
public sealed class BlobOptions
{
    /// <summary>Default <see cref="ChunkSize"/>: 1 MiB.</summary>
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>Smallest allowed <see cref="ChunkSize"/>: 4 KiB.</summary>
    public const int MinChunkSize = 4 * 1024;

    /// <summary>Most chunks one blob may have: <see cref="MaxBlobBytes"/> / <see cref="ChunkSize"/> must not exceed
    /// it, which keeps a manifest (about 100 bytes per chunk in grain state) under ~7 MB.</summary>
    public const int MaxChunksPerBlob = 1 << 16;

    /// <summary>Default <see cref="MaxAccessListEntries"/>: 1,000.</summary>
    public const int DefaultMaxAccessListEntries = 1000;

    /// <summary>Largest allowed <see cref="MaxAccessListEntries"/>: 10,000 (client ids of up to 128 characters keep
    /// the list under ~1.3 MB of grain state).</summary>
    public const int MaxAccessListEntriesLimit = 10_000;

    /// <summary>Largest blob an upload may produce, in bytes. Default <see cref="BlobLimits.DefaultMaxBlobBytes"/> (1 GiB).</summary>
    public long MaxBlobBytes { get; set; } = BlobLimits.DefaultMaxBlobBytes;

    /// <summary>
    /// Size of every chunk but a blob's last, in bytes: <see cref="MinChunkSize"/> to <see cref="BlobLimits.MaxReadBytes"/>.
    /// Default 1 MiB. Changing it changes the ids of newly uploaded content (the id is a root over chunk hashes);
    /// stored blobs stay readable.
    /// </summary>
    public int ChunkSize { get; set; } = DefaultChunkSize;

    /// <summary>Folder of the chunk store; null (default) means <c>&lt;Marketplace:DataFolder&gt;/chunks</c>. A relative
    /// path is taken relative to the data folder.</summary>
    public string? ChunkStorePath { get; set; }

    /// <summary>An upload that receives no call for this long aborts itself and frees its buffer. Default 10 min.</summary>
    public TimeSpan UploadIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Write each new chunk file through to the disk (FileOptions.WriteThrough, O_SYNC) before it is renamed
    /// into place, so a chunk a manifest names survives a power loss. Default true; turn off only for throw-away
    /// stores.</summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>
    /// Most owners and grants together one blob records, 1 to <see cref="MaxAccessListEntriesLimit"/>. Default
    /// <see cref="DefaultMaxAccessListEntries"/>. A share past it fails with <c>blob_access_list_full</c>: a blob
    /// for thousands of clients is published instead. The list lives in the blob grain's state and is rewritten on
    /// every change, so the bound keeps that state small.
    /// </summary>
    public int MaxAccessListEntries { get; set; } = DefaultMaxAccessListEntries;

    /// <summary>The problems with these settings, empty when valid.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        if (ChunkSize is < MinChunkSize or > BlobLimits.MaxReadBytes)
        {
            problems.Add($"Marketplace:Blobs:ChunkSize {ChunkSize} must be {MinChunkSize}..{BlobLimits.MaxReadBytes} bytes.");
        }

        if (MaxBlobBytes < 1)
        {
            problems.Add($"Marketplace:Blobs:MaxBlobBytes {MaxBlobBytes} must be at least 1.");
        }
        else if (ChunkSize > 0 && (MaxBlobBytes + ChunkSize - 1) / ChunkSize > MaxChunksPerBlob)
        {
            problems.Add($"Marketplace:Blobs:MaxBlobBytes {MaxBlobBytes} with ChunkSize {ChunkSize} allows more than {MaxChunksPerBlob} chunks per blob; raise ChunkSize or lower MaxBlobBytes.");
        }

        if (MaxAccessListEntries is < 1 or > MaxAccessListEntriesLimit)
        {
            problems.Add($"Marketplace:Blobs:MaxAccessListEntries {MaxAccessListEntries} must be 1..{MaxAccessListEntriesLimit}.");
        }

        if (UploadIdleTimeout <= TimeSpan.Zero)
        {
            problems.Add($"Marketplace:Blobs:UploadIdleTimeout {UploadIdleTimeout} must be positive.");
        }

        return problems;
    }
}
