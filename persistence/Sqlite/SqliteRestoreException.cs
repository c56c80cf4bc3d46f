namespace Marketplace.Persistence.Sqlite;

/// <summary>A restore refused: the message says what is wrong with the backup or the database it would replace.</summary>
public sealed class SqliteRestoreException : Exception
{
    /// <summary>Creates the error.</summary>
    public SqliteRestoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    public SqliteRestoreException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
