namespace Marketplace.Persistence.Sqlite;

/// <summary>Reads the schema scripts embedded from <c>Scripts/</c>.</summary>
internal static class SchemaScripts
{
    /// <summary>The grain state table.</summary>
    public const string Persistence = "SQLite-Persistence.sql";

    /// <summary>The reminders table.</summary>
    public const string Reminders = "SQLite-Reminders.sql";

    /// <summary>Returns the text of an embedded script.</summary>
    public static string Load(string fileName)
    {
        var resource = "Marketplace.Persistence.Sqlite.Scripts." + fileName;
        using var stream = typeof(SchemaScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded schema script '{resource}' is missing from {typeof(SchemaScripts).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
