// Design: the embedded (Localhost) silo keeps grain state and reminders in one SQLite file, and beside it the blob
// chunks, the storage providers' fragments, the workers' keys and the development key (DataFolderLayout). Operators
// back it all up while it runs: each backup is a new folder under <data folder>/backups named by its UTC time (so
// backups sort by name and never overwrite each other), holding the database (SQLite's online backup: one consistent
// moment), then the chunks and fragments (hard links where possible: FileTreeMirror), then copies of the keys with
// their SHA-256 listed (DataFolderKeys), so a restore finds a damaged or missing key before it changes anything. The
// files are taken after the database, so every chunk and fragment it names is there (a chunk is collected only when no
// blob names it, and no sweep runs while a backup takes the database and the chunks; a later file is only an extra). The folder is built under a temporary name and renamed when whole, and one
// backup runs at a time (two at once would only double the disk traffic).
using System.Globalization;
using System.Text.Json.Serialization;
using Marketplace.Persistence.Sqlite;

namespace Marketplace.Silo.Hosting;

/// <summary>Online backups of the embedded silo's data folder (registered in <c>Localhost</c> mode only).</summary>
internal sealed class DataFolderBackups(string connectionString, DataFolderLayout layout, TimeProvider clock, SemaphoreSlim? sweepGate = null) : IDisposable
{
    /// <summary>The database's file name inside a backup folder.</summary>
    public const string DatabaseFileName = "marketplace.db";

    /// <summary>Where a backup keeps the chunks, under its folder.</summary>
    public const string ChunksFolder = "chunks";

    /// <summary>Where a backup keeps the workers' keys, under its folder.</summary>
    public const string WorkersFolder = "workers";

    /// <summary>Where a backup keeps each provider's fragments (<c>providers/{id}</c>), under its folder.</summary>
    public const string ProvidersFolder = "providers";

    /// <summary>The development key's file name inside a backup folder.</summary>
    public const string DevKeyFileName = "dev-api-key";

    /// <summary>The list of the backup's key files with their SHA-256, in <c>sha256sum</c>'s format (a line per file:
    /// 64 hex digits, two spaces, the path relative to the backup folder with '/' between its parts).</summary>
    public const string KeyListFileName = "keys.sha256";

    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>The folder the backups are written to: <c>&lt;data folder&gt;/backups</c>.</summary>
    public string Folder { get; } = Path.Combine(layout.DataFolder, "backups");

    /// <summary>Writes a consistent copy of the live database and the files beside it into a new folder.</summary>
    public async Task<DataFolderBackup> CreateAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = clock.GetUtcNow();
            var name = "marketplace-" + now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
            var final = Path.Combine(Folder, name);
            var partial = Path.Combine(Folder, ".partial-" + name);
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }

            Directory.CreateDirectory(partial);
            try
            {
                long databaseBytes;
                (int Files, long Bytes, int Linked) chunks;
                if (sweepGate is not null)
                {
                    await sweepGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    databaseBytes = await SqliteOnlineBackup.BackupAsync(connectionString, Path.Combine(partial, DatabaseFileName), cancellationToken).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    chunks = FileTreeMirror.Mirror(layout.Chunks, Path.Combine(partial, ChunksFolder), link: true);
                }
                finally
                {
                    sweepGate?.Release();
                }

                var fragments = (Files: 0, Bytes: 0L, Linked: 0);
                foreach (var id in layout.ProviderIds())
                {
                    var taken = FileTreeMirror.Mirror(layout.Provider(id), Path.Combine(partial, ProvidersFolder, id), link: true);
                    fragments = (fragments.Files + taken.Files, fragments.Bytes + taken.Bytes, fragments.Linked + taken.Linked);
                }

                var keys = FileTreeMirror.Mirror(layout.Workers, Path.Combine(partial, WorkersFolder), link: false);
                if (File.Exists(layout.DevKeyFile))
                {
                    File.Copy(layout.DevKeyFile, Path.Combine(partial, DevKeyFileName));
                    keys = (keys.Files + 1, keys.Bytes + new FileInfo(layout.DevKeyFile).Length, keys.Linked);
                }

                DataFolderKeys.WriteList(partial);
                Directory.Move(partial, final);
                return new DataFolderBackup
                {
                    Path = final,
                    Database = Path.Combine(final, DatabaseFileName),
                    DatabaseBytes = databaseBytes,
                    ChunkFiles = chunks.Files,
                    FragmentFiles = fragments.Files,
                    KeyFiles = keys.Files,
                    Bytes = databaseBytes + chunks.Bytes + fragments.Bytes + keys.Bytes,
                    LinkedFiles = chunks.Linked + fragments.Linked,
                    CreatedAt = now,
                };
            }
            catch
            {
                TryRemove(partial);
                throw;
            }
        }
        finally
        {
            _one.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _one.Dispose();

    private static void TryRemove(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next backup of the same name, or the operator; it is named as unfinished.
        }
    }
}

/// <summary>What one backup holds and where (<c>POST /v1/admin/backup</c>).</summary>
internal sealed class DataFolderBackup
{
    /// <summary>The backup's folder (absolute, on the silo's machine): what <c>--restore</c> takes.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>The database copy inside it.</summary>
    [JsonPropertyName("database")]
    public required string Database { get; init; }

    /// <summary>The database copy's size in bytes.</summary>
    [JsonPropertyName("database_bytes")]
    public long DatabaseBytes { get; init; }

    /// <summary>Chunk files taken.</summary>
    [JsonPropertyName("chunk_files")]
    public int ChunkFiles { get; init; }

    /// <summary>Storage providers' fragment files taken.</summary>
    [JsonPropertyName("fragment_files")]
    public int FragmentFiles { get; init; }

    /// <summary>Key files taken (the workers' keys and the development key).</summary>
    [JsonPropertyName("key_files")]
    public int KeyFiles { get; init; }

    /// <summary>The bytes of everything taken.</summary>
    [JsonPropertyName("bytes")]
    public long Bytes { get; init; }

    /// <summary>Chunk and fragment files taken as hard links (no bytes copied) rather than copies.</summary>
    [JsonPropertyName("linked_files")]
    public int LinkedFiles { get; init; }

    /// <summary>When the copy began: the database holds every commit before this instant.</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }
}
