// Design note. SQLite lets one writer at a time into a file. A writer that finds the file's write lock taken gets
// SQLITE_BUSY, and under a busy timeout SQLite's busy handler sleeps before it tries again: 1, 2, 5, 10, 15, 20, then
// 25 ms at a time. Microsoft.Data.Sqlite runs every statement synchronously, so that sleep also holds a thread pool
// thread. With many grains writing at once (a few writes per job), most waits were such sleeps although the write
// ahead of them took well under a millisecond. So the writers of this process take turns on a file in memory first:
// a write waits, without a thread, for its file's turn and runs when the write before it ends. The busy timeout still
// covers writers outside the process (a second silo process on the same file, the sqlite3 shell).
using System.Collections.Concurrent;

namespace Marketplace.Persistence.Sqlite;

/// <summary>One turn per SQLite file for the writers of this process, shared by every provider on the file.</summary>
internal static class SqliteWriteTurns
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Turns = new(StringComparer.Ordinal);

    /// <summary>The turn of the file <paramref name="dataSource"/> names (relative paths resolved against the current
    /// folder, as SQLite opens them).</summary>
    public static SemaphoreSlim For(string dataSource) =>
        Turns.GetOrAdd(Path.GetFullPath(dataSource), static _ => new SemaphoreSlim(1, 1));
}
