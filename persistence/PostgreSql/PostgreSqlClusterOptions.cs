namespace Marketplace.Persistence.PostgreSql;

/// <summary>Options of a silo whose membership, grain state and reminders live in PostgreSQL.</summary>
/// <remarks>
/// The cluster's identity is Orleans' own <c>ClusterOptions</c> (<c>ClusterId</c> keys the membership rows,
/// <c>ServiceId</c> keys grain state and reminders); it is not repeated here. Every silo and client of one cluster
/// must use the same database and the same <c>ClusterOptions</c>.
/// </remarks>
public sealed class PostgreSqlClusterOptions
{
    /// <summary>
    /// Npgsql connection string of the database holding the Orleans tables. Required; no default.
    /// </summary>
    /// <example><c>Host=127.0.0.1;Port=5432;Username=orleans;Password=...;Database=marketplace</c></example>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Whether the silo applies the schema scripts (<see cref="PostgreSqlSchema.ApplyAsync(string, CancellationToken)"/>) while it starts,
    /// before membership reads the table. Default: <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// Applying is idempotent and serialised across silos by an advisory lock, so several silos may start at once.
    /// Set it to <see langword="false"/> when the silo's database role may not run DDL; then apply the scripts by hand
    /// (see the library's README) before the first silo starts.
    /// </remarks>
    public bool ApplySchemaOnStart { get; set; } = true;
}
