namespace Marketplace.Persistence.Sqlite.Tests;

/// <summary>This process's writers to one SQLite file take turns in memory instead of meeting SQLite's busy handler,
/// which sleeps 1 to 25 ms at a time; readers and other files do not wait.</summary>
public sealed class SqliteWriteTurnTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task AWriteOnAnotherProviderOfTheSameFileWaitsForTheWriteBeforeIt()
    {
        var file = _folder.File("s.db");
        using var first = new SqliteDatabase($"Data Source={file}", TimeSpan.FromSeconds(5));

        // The same file spelled another way: one turn all the same.
        var spelled = Path.Combine(Path.GetDirectoryName(file)!, ".", Path.GetFileName(file));
        using var second = new SqliteDatabase($"Data Source={spelled}", TimeSpan.FromSeconds(5));
        var holding = await first.OpenWriteSessionAsync(CancellationToken.None);
        await holding.Command("CREATE TABLE t (x INTEGER)").ExecuteNonQueryAsync();

        var waiting = second.OpenWriteSessionAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted, "a second writer got the file while the first still wrote");

        await holding.DisposeAsync();
        var next = await waiting.WaitAsync(Bound);
        Assert.Equal(1, await next.Command("INSERT INTO t VALUES (1)").ExecuteNonQueryAsync());
        await next.DisposeAsync();
    }

    [Fact]
    public async Task ReadersAndWritersOfOtherFilesDoNotWait()
    {
        using var database = new SqliteDatabase($"Data Source={_folder.File("a.db")}", TimeSpan.FromSeconds(5));
        using var other = new SqliteDatabase($"Data Source={_folder.File("b.db")}", TimeSpan.FromSeconds(5));
        var holding = await database.OpenWriteSessionAsync(CancellationToken.None);

        var reader = database.OpenSessionAsync(CancellationToken.None).AsTask();
        var otherWriter = other.OpenWriteSessionAsync(CancellationToken.None).AsTask();
        var read = await reader.WaitAsync(Bound);
        Assert.Equal(1L, await read.Command("SELECT 1").ExecuteScalarAsync());
        await (await otherWriter.WaitAsync(Bound)).DisposeAsync();
        await read.DisposeAsync();
        await holding.DisposeAsync();
    }

    [Fact]
    public async Task AWaitThatIsCancelledLeavesTheTurnToTheNextWriter()
    {
        using var database = new SqliteDatabase($"Data Source={_folder.File("s.db")}", TimeSpan.FromSeconds(5));
        var holding = await database.OpenWriteSessionAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var given = database.OpenWriteSessionAsync(cancel.Token).AsTask();
        var next = database.OpenWriteSessionAsync(CancellationToken.None).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => given.WaitAsync(Bound));
        Assert.False(next.IsCompleted);

        await holding.DisposeAsync();
        var session = await next.WaitAsync(Bound);
        await session.DisposeAsync();

        // The turn is free again: a third writer gets it at once.
        await (await database.OpenWriteSessionAsync(CancellationToken.None).AsTask().WaitAsync(Bound)).DisposeAsync();
    }

    [Fact]
    public async Task GrainStateAndReminderWritesTakeTheirFilesTurn()
    {
        var file = _folder.File("silo.db");
        var storage = Providers.Storage(file);
        await storage.InitializeAsync(CancellationToken.None);
        using var reminders = Providers.Reminders(file, "tests");
        await reminders.StartAsync();
        var grain = GrainId.Create("account", "a1");

        var turn = SqliteWriteTurns.For(file);
        await turn.WaitAsync();
        var write = storage.WriteStateAsync("s", grain, new TestGrainState<SampleState> { State = new SampleState { Name = "n", Count = 1 } });
        var upsert = reminders.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) });
        Assert.False(write.IsCompleted, "a grain state write did not wait for its file's turn");
        Assert.False(upsert.IsCompleted, "a reminder write did not wait for its file's turn");

        turn.Release();
        await write.WaitAsync(Bound);
        Assert.NotNull(await upsert.WaitAsync(Bound));
        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("s", grain, read);
        Assert.Equal(1, read.State.Count);
        Assert.NotNull(await reminders.ReadRow(grain, "r"));
        storage.Dispose();
    }

    public void Dispose() => _folder.Dispose();
}
