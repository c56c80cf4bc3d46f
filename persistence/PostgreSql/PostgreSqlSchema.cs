// Applies the Orleans ADO.NET schema for PostgreSQL that this library ships as embedded scripts, and the marketplace's
// own tables: signed-request nonces (RequestNonces.sql), values created once per cluster (ClusterSecrets.sql) and blob
// chunks (Chunks.sql).
//
// Orleans' AdoNet packages carry no SQL: every provider reads its statements from the OrleansQuery table at start
// and fails when a key is missing. The scripts under Scripts/ create that table, the tables and functions the
// clustering, grain storage and reminder providers use, and register every query key. Each script is idempotent
// (IF NOT EXISTS, CREATE OR REPLACE, INSERT ... ON CONFLICT DO UPDATE), so applying is safe on every start.
// Several silos may start at once: all scripts run in one transaction that first takes a transaction-scoped
// advisory lock, so concurrent appliers queue and each sees the finished schema of the one before; DDL that races
// without the lock (two CREATE TABLE IF NOT EXISTS) can fail on PostgreSQL's catalog unique indexes.
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>Creates or updates the PostgreSQL tables, functions and stored queries Orleans' ADO.NET providers use.</summary>
public static class PostgreSqlSchema
{
    /// <summary>Script files in the order they are applied (Main.sql creates the query table the others fill).</summary>
    internal static readonly IReadOnlyList<string> ScriptNames = ["Main.sql", "Clustering.sql", "Persistence.sql", "Reminders.sql", "GrainDirectory.sql", "RequestNonces.sql", "ClusterSecrets.sql", "Chunks.sql"];

    // Arbitrary but fixed key ("ORLNSQL1"); every applier of this schema must use the same one.
    internal const long AdvisoryLockKey = 0x4F524C4E_53514C31;

    private const string ResourcePrefix = "Marketplace.Persistence.PostgreSql.Scripts.";

    /// <summary>Applies all scripts to the database named by <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">Npgsql connection string; the role needs CREATE on the database's schema.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock or a running script (the transaction rolls back).</param>
    /// <returns>A task that completes when the schema is committed.</returns>
    /// <exception cref="PostgreSqlSchemaException">A script failed; nothing was committed.</exception>
    /// <remarks>
    /// Idempotent and safe to call from several processes at once. Objects created by hand before (for instance by
    /// Orleans' own scripts, which use the same table layouts) are kept; stored query texts are replaced.
    /// </remarks>
    public static Task ApplyAsync(string connectionString, CancellationToken cancellationToken) =>
        ApplyAsync(connectionString, NullLogger.Instance, cancellationToken);

    internal static async Task ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database ?? "(default database)";
        PostgreSqlClusterLog.SchemaApplying(logger, ScriptNames.Count, database);
        var started = Stopwatch.GetTimestamp();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var script in ScriptNames)
        {
            var text = ReadScript(script);
            try
            {
                await using var command = new NpgsqlCommand(text, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                PostgreSqlClusterLog.SchemaScriptFailed(logger, e, script);
                throw new PostgreSqlSchemaException(script, e.Message, e);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        PostgreSqlClusterLog.SchemaApplied(logger, database, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Reads the text of one embedded script, e.g. <c>Clustering.sql</c>.</summary>
    internal static string ReadScript(string script)
    {
        using var stream = typeof(PostgreSqlSchema).Assembly.GetManifestResourceStream(ResourcePrefix + script)
            ?? throw new PostgreSqlSchemaException(script, "the script is not embedded in " + typeof(PostgreSqlSchema).Assembly.GetName().Name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
