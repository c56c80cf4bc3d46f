// Design: `Marketplace.Silo --restore <backup>` puts a backup made by POST /v1/admin/backup back and exits; the
// operator then starts the silo as usual. A backup folder restores everything it holds (the database, the chunks, the
// providers' fragments, the keys: DataFolderRestore); a bare database file (an older backup) restores the database
// only. It reads the same configuration a silo would (appsettings.json, environment, command line, --config), so it
// restores into the places that silo uses. Its chunks are checked first, then the database (SqliteBackupRestore: a
// damaged or foreign file is refused, a database still open by a running silo is refused), and only then is anything
// replaced; what it replaces is kept under <data folder>/replaced.
using Marketplace.Persistence.Sqlite;

namespace Marketplace.Silo.Hosting;

/// <summary>The <c>--restore &lt;backup&gt;</c> command of the silo executable: restores an online backup of the
/// embedded silo (a backup folder, or a database file alone) into the places its configuration names and exits.</summary>
public static class RestoreCommand
{
    /// <summary>The command-line switch.</summary>
    public const string Switch = "--restore";

    /// <summary>The folder, under the data folder, that keeps what a restore replaced.</summary>
    public const string ReplacedFolder = "replaced";

    /// <summary>True when <paramref name="args"/> ask for the command (<c>--restore file</c> or <c>--restore=file</c>).</summary>
    /// <param name="args">The process arguments.</param>
    public static bool IsRequested(string[] args) =>
        Array.Exists(args ?? [], a => a == Switch || a.StartsWith(Switch + "=", StringComparison.Ordinal));

    /// <summary>Restores the backup named after the switch into the configured data folder.</summary>
    /// <param name="args">The process arguments (the switch and its file among them; the others are configuration).</param>
    /// <param name="output">Where the outcome is written.</param>
    /// <param name="error">Where problems are written.</param>
    /// <param name="clock">Names the replaced database by the time of the restore (the system clock when null).</param>
    /// <returns>The exit code: 0 restored, 1 refused (the backup is missing, damaged or not a silo's, or the database is
    /// in use) or not finished (a file could not be put in place), 2 used wrongly (no file after the switch, or the silo keeps its state in PostgreSQL).</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string? backup = null;
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith(Switch + "=", StringComparison.Ordinal))
            {
                backup = args[i][(Switch.Length + 1)..];
            }
            else if (args[i] == Switch)
            {
                backup = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        if (string.IsNullOrWhiteSpace(backup))
        {
            await error.WriteLineAsync($"{Switch} needs the backup: {Switch} data/backups/marketplace-<time>").ConfigureAwait(false);
            return 2;
        }

        WebApplicationBuilder builder;
        try
        {
            builder = MarketplaceSiloHost.CreateBuilder([.. rest]);
        }
        catch (SiloSwitchException wrong)
        {
            await error.WriteLineAsync(wrong.Message).ConfigureAwait(false);
            return 2;
        }

        var configuration = builder.Configuration;
        var mode = configuration[SiloClusterOptions.Section + ":" + nameof(SiloClusterOptions.Mode)];
        if (Enum.TryParse<ClusterMode>(mode, ignoreCase: true, out var parsed) && parsed == ClusterMode.PostgreSql)
        {
            await error.WriteLineAsync($"{Switch}: this silo keeps its state in PostgreSQL (Marketplace:Cluster:Mode=PostgreSql); restore that database with its own tools (pg_restore)").ConfigureAwait(false);
            return 2;
        }

        var layout = new DataFolderLayout(configuration);
        var database = Path.Combine(layout.DataFolder, ClusterSiloBuilderExtensions.DatabaseFileName);
        var replacedFolder = Path.Combine(layout.DataFolder, ReplacedFolder);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var folder = Directory.Exists(backup) ? Path.GetFullPath(backup) : null;
        try
        {
            if (folder is not null)
            {
                var chunks = DataFolderRestore.CheckChunks(folder);
                await output.WriteLineAsync($"{Switch}: {chunks} chunk files checked against their SHA-256").ConfigureAwait(false);
                var fragments = DataFolderRestore.CheckFragments(folder);
                await output.WriteLineAsync($"{Switch}: {fragments} fragment files checked against their recorded SHA-256").ConfigureAwait(false);
                var (keys, hashed) = DataFolderKeys.Check(folder);
                await output.WriteLineAsync(hashed == keys
                    ? $"{Switch}: {keys} key files checked against their recorded SHA-256 and read as keys"
                    : $"{Switch}: {keys} key files read as keys (the backup was taken before key files were listed with their SHA-256)").ConfigureAwait(false);
            }

            var file = folder is null ? backup : Path.Combine(folder, DataFolderBackups.DatabaseFileName);
            var replaced = SqliteBackupRestore.Restore(file, database, replacedFolder, now);
            await output.WriteLineAsync($"{Switch}: {Path.GetFullPath(file)} restored as {database}").ConfigureAwait(false);
            if (replaced is not null)
            {
                await output.WriteLineAsync($"{Switch}: the database it replaced is kept at {replaced}").ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SqliteRestoreException or DataFolderRestoreException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{Switch}: nothing was changed: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        if (folder is null)
        {
            return 0;
        }

        try
        {
            foreach (var line in DataFolderRestore.PutInPlace(folder, layout, replacedFolder, now))
            {
                await output.WriteLineAsync($"{Switch}: {line}").ConfigureAwait(false);
            }

            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{Switch}: the database was restored, but its files were not all put in place: {e.Message}; what they replaced is under {replacedFolder}").ConfigureAwait(false);
            return 1;
        }
    }
}
