namespace Marketplace.Persistence.PostgreSql;

/// <summary>
/// The grain directory could not reach or use the cluster's PostgreSQL database (a restart, a network cut, a full
/// connection pool). The call that needed the directory did not take effect on the directory; retry shortly.
/// </summary>
/// <remarks>
/// Orleans sends a failed placement or lookup back to the silo that made the call, so this exception crosses silos.
/// It carries the database's SQL state and message as text and never the driver's exception, which has no Orleans
/// codec: a raw <c>Npgsql.PostgresException</c> here turned into a codec failure on the caller's side.
/// Derives from <see cref="OrleansException"/>, which callers treat as "the cluster is briefly unavailable".
/// </remarks>
[GenerateSerializer]
[Alias("marketplace.error.postgresql-grain-directory")]
public sealed class PostgreSqlGrainDirectoryException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public PostgreSqlGrainDirectoryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public PostgreSqlGrainDirectoryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception naming the operation and the database's answer.</summary>
    /// <param name="operation">The directory operation that failed (<c>Register</c>, <c>Lookup</c>, ...).</param>
    /// <param name="sqlState">The PostgreSQL SQL state, when the server answered; null when it could not be reached.</param>
    /// <param name="detail">What the driver reported.</param>
    public PostgreSqlGrainDirectoryException(string operation, string? sqlState, string detail)
        : base($"the grain directory's {operation} could not use the cluster's PostgreSQL database ({sqlState ?? "no answer"}: {detail}); retry shortly")
    {
        Operation = operation;
        SqlState = sqlState;
    }

    /// <summary>The directory operation that failed, when known.</summary>
    [Id(0)]
    public string? Operation { get; private set; }

    /// <summary>The PostgreSQL SQL state (e.g. <c>57P01</c> for a server shutting down), or null when the server
    /// could not be reached at all.</summary>
    [Id(1)]
    public string? SqlState { get; private set; }
}
