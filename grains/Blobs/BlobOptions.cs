using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>The blob store's settings (configuration section <c>Marketplace:Blobs</c>).</summary>
public sealed class BlobOptions
{
    /// <summary>The service key of the clock the client storage ledger reads for upload holds (the silo's
    /// <see cref="TimeProvider"/> unless one is registered under this key, as tests do to let holds run out without
    /// moving the silo's own clock).</summary>
    public const string ClockKey = "marketplace.blobs.clock";

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

    /// <summary>Default <see cref="MaxStoredBytesPerClient"/>: 10 GiB.</summary>
    public const long DefaultMaxStoredBytesPerClient = 10L << 30;

    /// <summary>Default <see cref="MaxBlobsPerClient"/>: 10,000.</summary>
    public const int DefaultMaxBlobsPerClient = 10_000;

    /// <summary>Largest allowed <see cref="MaxBlobsPerClient"/>: 100,000 (a client's ledger holds one entry of about 90
    /// bytes per blob and is rewritten on every change, so it stays under ~9 MB).</summary>
    public const int MaxBlobsPerClientLimit = 100_000;

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

    /// <summary>Longest an upload may take from its first call to its completion (default 1 h): past it the upload is
    /// aborted. It bounds how long the chunks of an upload go without a blob that references them, so
    /// <see cref="UnreferencedChunkGrace"/> can be set safely above it.</summary>
    public TimeSpan MaxUploadDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a chunk that no blob references is kept after it was last written (default 2 h): the chunks of
    /// aborted, refused and lost uploads and of blobs given up by their last owner are deleted once it has passed. At
    /// least <see cref="MaxUploadDuration"/> plus 10 minutes, so no chunk of an upload still under way is
    /// collected.</summary>
    public TimeSpan UnreferencedChunkGrace { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often the silo looks for unreferenced chunks past their grace and deletes them (default 10 min;
    /// at least 1 min, the period of an Orleans reminder).</summary>
    public TimeSpan ChunkSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

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

    /// <summary>
    /// Bytes of the blobs one client may own before its uploads are refused (default
    /// <see cref="DefaultMaxStoredBytesPerClient"/>, 10 GiB; 0: no quota). Every owner of a blob is charged its full
    /// size, once however often it uploads the same bytes. An upload that would take the client past it answers
    /// <c>quota_exceeded</c> (HTTP 429) and leaves the client no owner; a job whose output does not fit fails
    /// <c>QuotaExceeded</c> before its run commits anything.
    /// </summary>
    public long MaxStoredBytesPerClient { get; set; } = DefaultMaxStoredBytesPerClient;

    /// <summary>Per-client overrides of <see cref="MaxStoredBytesPerClient"/> (client id → bytes; 0: none).</summary>
    public Dictionary<string, long> StoredBytesPerClient { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Blobs one client may own before its uploads are refused, 1 to <see cref="MaxBlobsPerClientLimit"/> (default
    /// <see cref="DefaultMaxBlobsPerClient"/>). It bounds the client's ledger of charged blob ids; job outputs are
    /// recorded past it, as past the bytes quota.
    /// </summary>
    public int MaxBlobsPerClient { get; set; } = DefaultMaxBlobsPerClient;

    /// <summary>The stored-bytes quota of <paramref name="clientId"/>; 0 when none.</summary>
    internal long StoredBytesLimit(string clientId) =>
        StoredBytesPerClient.TryGetValue(clientId, out var own) ? own : MaxStoredBytesPerClient;

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

        if (MaxStoredBytesPerClient < 0)
        {
            problems.Add($"Marketplace:Blobs:MaxStoredBytesPerClient {MaxStoredBytesPerClient} must not be negative (0: no quota).");
        }

        foreach (var (client, limit) in StoredBytesPerClient)
        {
            if (limit < 0)
            {
                problems.Add($"Marketplace:Blobs:StoredBytesPerClient:{client} {limit} must not be negative (0: no quota).");
            }
        }

        if (MaxBlobsPerClient is < 1 or > MaxBlobsPerClientLimit)
        {
            problems.Add($"Marketplace:Blobs:MaxBlobsPerClient {MaxBlobsPerClient} must be 1..{MaxBlobsPerClientLimit}.");
        }

        if (UploadIdleTimeout <= TimeSpan.Zero)
        {
            problems.Add($"Marketplace:Blobs:UploadIdleTimeout {UploadIdleTimeout} must be positive.");
        }

        if (MaxUploadDuration <= TimeSpan.Zero)
        {
            problems.Add($"Marketplace:Blobs:MaxUploadDuration {MaxUploadDuration} must be positive.");
        }

        if (UnreferencedChunkGrace < MaxUploadDuration + MinGraceMargin)
        {
            problems.Add($"Marketplace:Blobs:UnreferencedChunkGrace {UnreferencedChunkGrace} must be at least MaxUploadDuration ({MaxUploadDuration}) plus {MinGraceMargin.TotalMinutes:0} minutes, or chunks of an upload under way could be collected.");
        }

        if (ChunkSweepInterval < TimeSpan.FromMinutes(1))
        {
            problems.Add($"Marketplace:Blobs:ChunkSweepInterval {ChunkSweepInterval} must be at least 1 minute.");
        }

        return problems;
    }

    /// <summary>What <see cref="UnreferencedChunkGrace"/> must exceed <see cref="MaxUploadDuration"/> by: room for the
    /// registration that follows an upload's last chunk and for clocks of silos that differ a little.</summary>
    internal static readonly TimeSpan MinGraceMargin = TimeSpan.FromMinutes(10);
}
