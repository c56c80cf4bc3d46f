using System.Data.Common;

namespace Marketplace.Runtime.Persistence;

/// <summary>
/// One SQL database used by the storage and reminder providers: opens configured connections and applies schema
/// scripts. Vendor differences in connection setup live in the subclasses; the SQL texts live with each provider.
/// </summary>
internal abstract class SqlDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>The vendor invariant (<see cref="AdoNetInvariants"/>).</summary>
    public abstract string Invariant { get; }

    /// <summary>True for SQLite, false for PostgreSQL.</summary>
    public bool IsSqlite => Invariant == AdoNetInvariants.Sqlite;

    /// <summary>Creates the database for an invariant; throws <see cref="ArgumentException"/> for an unknown one.</summary>
    public static SqlDatabase Create(string invariant, string connectionString, TimeSpan busyTimeout)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("The connection string is empty; set ConnectionString in the options.", nameof(connectionString));
        }

        return invariant switch
        {
            AdoNetInvariants.Sqlite => new SqliteDatabase(connectionString, busyTimeout),
            AdoNetInvariants.PostgreSql => new PostgresDatabase(connectionString),
            _ => throw new ArgumentException(
                $"Unknown ADO.NET invariant '{invariant}'; use '{AdoNetInvariants.Sqlite}' or '{AdoNetInvariants.PostgreSql}'.",
                nameof(invariant)),
        };
    }

    /// <summary>Opens a connection ready for use.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Lends an open connection to one operation (see <see cref="SqlSession"/>); dispose it when done.</summary>
    public virtual async ValueTask<SqlSession> OpenSessionAsync(CancellationToken cancellationToken) =>
        new OwnedConnectionSession(await OpenAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Applies a schema script; safe to run concurrently and repeatedly.</summary>
    public abstract Task ApplyScriptAsync(string script, CancellationToken cancellationToken);

    /// <summary>Adds a named parameter (null becomes DBNull).</summary>
    public static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    /// <inheritdoc />
    public abstract void Dispose();
}
