namespace Marketplace.Persistence.Sqlite;

/// <summary>
/// A SQLite provider could not do its work: the file could not be opened or written, the schema could not be applied,
/// or a payload could not be (de)serialized. Never used for ETag conflicts, which are
/// <see cref="Orleans.Storage.InconsistentStateException"/>.
/// </summary>
/// <remarks>
/// Derives from <see cref="OrleansException"/>, so Orleans' storage bridge passes it to the grain unwrapped.
/// The inner exception (usually a <see cref="Microsoft.Data.Sqlite.SqliteException"/>) says what SQLite reported.
/// </remarks>
[GenerateSerializer]
public sealed class SqliteStorageException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public SqliteStorageException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public SqliteStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying failure.</param>
    public SqliteStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the provider, the operation and what it was about.</summary>
    /// <param name="providerName">The grain storage's registered name, or <see cref="SqliteReminderTable.ProviderName"/>.</param>
    /// <param name="operation">The operation that failed (e.g. <c>ReadState</c>, <c>UpsertRow</c>, <c>Init</c>).</param>
    /// <param name="subject">The grain, state or reminder involved, or null.</param>
    /// <param name="innerException">The underlying failure.</param>
    public SqliteStorageException(string providerName, string operation, string? subject, Exception innerException)
        : base(Describe(providerName, operation, subject, innerException), innerException)
    {
        ProviderName = providerName;
        Operation = operation;
    }

    /// <summary>The provider's registered name, when known.</summary>
    [Id(0)]
    public string? ProviderName { get; private set; }

    /// <summary>The operation that failed, when known.</summary>
    [Id(1)]
    public string? Operation { get; private set; }

    private static string Describe(string providerName, string operation, string? subject, Exception inner)
    {
        var about = subject is null ? string.Empty : $" for {subject}";
        return $"SQLite provider '{providerName}' failed in {operation}{about}: {inner.Message}";
    }
}
