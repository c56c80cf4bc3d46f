namespace Marketplace.Persistence.PostgreSql;

/// <summary>Thrown when one of the cluster schema scripts fails to apply; names the script.</summary>
/// <remarks>
/// The whole schema is applied in one transaction, so when this is thrown nothing of the scripts before
/// <see cref="Script"/> was committed either. <see cref="Exception.InnerException"/> holds the database error
/// (usually a <c>Npgsql.PostgresException</c> with the SQL state and position).
/// </remarks>
public sealed class PostgreSqlSchemaException : Exception
{
    /// <summary>Creates the exception for <paramref name="script"/>.</summary>
    /// <param name="script">File name of the script that failed, e.g. <c>Clustering.sql</c>.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The database error, if any.</param>
    public PostgreSqlSchemaException(string script, string message, Exception? innerException = null)
        : base($"PostgreSQL schema script {script} failed: {message}", innerException)
    {
        Script = script;
    }

    /// <summary>File name of the script that failed, e.g. <c>Clustering.sql</c>.</summary>
    public string Script { get; }
}
