using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite.Tests;

/// <summary>A temporary folder for one test's SQLite files, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("mkt-sqlite-").FullName;

    public string Path { get; }

    /// <summary>A file in the folder (in a nested folder that does not exist yet, to prove it is created).</summary>
    public string File(string name = "grains.db") => System.IO.Path.Combine(Path, "nested", name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
