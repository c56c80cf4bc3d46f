using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite;

/// <summary>Checks a connection string the way both providers need it: parsable, naming a file on disk.</summary>
internal static class SqliteConnectionStrings
{
    /// <summary>Why <paramref name="connectionString"/> is unusable, or null when it names a file.</summary>
    public static string? Problem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "is empty; set it to \"Data Source=path/to/file.db\"";
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            return $"is not a SQLite connection string ({ex.Message})";
        }
        catch (FormatException ex)
        {
            return $"is not a SQLite connection string ({ex.Message})";
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            return "names no file (Data Source is empty)";
        }

        if (builder.DataSource.Trim() == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            return "names an in-memory database; the providers need a file (use the memory providers for in-process state)";
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            return "opens the file read-only; the providers write";
        }

        return null;
    }

    /// <summary>Parses a connection string that <see cref="Problem"/> accepts; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static SqliteConnectionStringBuilder Parse(string? connectionString)
    {
        var problem = Problem(connectionString);
        if (problem is not null)
        {
            throw new ArgumentException($"The SQLite connection string {problem}.", nameof(connectionString));
        }

        return new SqliteConnectionStringBuilder(connectionString);
    }
}
