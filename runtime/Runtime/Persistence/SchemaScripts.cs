using System.Reflection;

namespace Marketplace.Runtime.Persistence;

/// <summary>Reads the schema scripts embedded from <c>Persistence/Scripts</c> and <c>Reminders/Scripts</c>.</summary>
internal static class SchemaScripts
{
    /// <summary>SQLite grain state table.</summary>
    public const string SqlitePersistence = "SQLite-Persistence.sql";

    /// <summary>PostgreSQL grain state table and function.</summary>
    public const string PostgreSqlPersistence = "PostgreSQL-Persistence.sql";

    /// <summary>SQLite reminders table.</summary>
    public const string SqliteReminders = "SQLite-Reminders.sql";

    /// <summary>PostgreSQL reminders table.</summary>
    public const string PostgreSqlReminders = "PostgreSQL-Reminders.sql";

    /// <summary>Returns the text of an embedded script.</summary>
    public static string Load(string fileName)
    {
        var resource = "Marketplace.Runtime.Scripts." + fileName;
        using var stream = typeof(SchemaScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded schema script '{resource}' is missing from {typeof(SchemaScripts).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
