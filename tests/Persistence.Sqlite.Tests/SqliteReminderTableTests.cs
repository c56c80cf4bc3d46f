// Orleans' IReminderTable contract against real SQLite files: upsert/read/remove with ETags, ring-range reads
// including the wrap-around when begin >= end, millisecond precision, service isolation and reopening the file.
using System.Globalization;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Marketplace.Persistence.Sqlite.Tests;

public sealed class SqliteReminderTableTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteReminderTable> _tables = [];
    private readonly Dictionary<SqliteReminderTable, string> _serviceIds = [];
    private readonly ITestOutputHelper _output;

    public SqliteReminderTableTests(ITestOutputHelper output) => _output = output;

    private string DatabaseFile => _folder.File("reminders.db");

    [Fact]
    public async Task ReadOfMissingRowsIsEmpty()
    {
        var table = await CreateAsync();
        Assert.Null(await table.ReadRow(NewGrain(), "nothing"));
        Assert.Empty((await table.ReadRows(NewGrain())).Reminders);
        Assert.Empty((await table.ReadRows(0u, 0u)).Reminders);
    }

    [Fact]
    public async Task UpsertThenReadRoundTrip()
    {
        var table = await CreateAsync();
        var grain = NewGrain();
        var eTag = await table.UpsertRow(Entry(grain, "tick", 5));
        Assert.Equal("1", eTag);
        var row = await table.ReadRow(grain, "tick");
        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("tick", row.ReminderName);
        Assert.Equal(new DateTime(2026, 11, 22, 3, 0, 0, 123, DateTimeKind.Utc), row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), row.Period);
        Assert.Equal(eTag, row.ETag);
    }

    [Fact]
    public async Task UpsertReplacesTheRowAndChangesTheETag()
    {
        var table = await CreateAsync();
        var grain = NewGrain();
        var first = await table.UpsertRow(Entry(grain, "tick", 1));
        var second = await table.UpsertRow(Entry(grain, "tick", 7));
        Assert.NotEqual(first, second);
        var row = Assert.Single((await table.ReadRows(grain)).Reminders);
        Assert.Equal(TimeSpan.FromMinutes(7), row.Period);
        Assert.Equal(second, row.ETag);
    }

    [Fact]
    public async Task RemoveNeedsTheCurrentETag()
    {
        var table = await CreateAsync();
        var grain = NewGrain();
        var old = await table.UpsertRow(Entry(grain, "tick"));
        var current = await table.UpsertRow(Entry(grain, "tick"));
        Assert.False(await table.RemoveRow(grain, "tick", old!));
        Assert.False(await table.RemoveRow(grain, "tick", "garbage"));
        Assert.NotNull(await table.ReadRow(grain, "tick"));
        Assert.True(await table.RemoveRow(grain, "tick", current!));
        Assert.Null(await table.ReadRow(grain, "tick"));
        Assert.False(await table.RemoveRow(grain, "tick", current!));
    }

    [Fact]
    public async Task RowsOfOneGrain()
    {
        var table = await CreateAsync();
        var grain = NewGrain();
        var other = NewGrain();
        await table.UpsertRow(Entry(grain, "a"));
        await table.UpsertRow(Entry(grain, "b"));
        await table.UpsertRow(Entry(other, "a"));
        var names = (await table.ReadRows(grain)).Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["a", "b"], names);
    }

    [Theory]
    [InlineData(7120)]
    [InlineData(20261123)]
    public async Task RangeReadsPartitionTheRing(int seed)
    {
        _output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var table = await CreateAsync();
        var grains = new List<GrainId>();
        for (var i = 0; i < 40; i++)
        {
            var grain = GrainId.Create("ring", random.Next().ToString(CultureInfo.InvariantCulture) + "-" + i.ToString(CultureInfo.InvariantCulture));
            grains.Add(grain);
            await table.UpsertRow(Entry(grain, "r"));
        }

        Assert.Equal(grains.Count, (await table.ReadRows(12345u, 12345u)).Reminders.Count);

        // Split the ring into random arcs, the last one wrapping past zero; every row lands in exactly one arc.
        for (var round = 0; round < 5; round++)
        {
            var cuts = Enumerable.Range(0, 4).Select(_ => (uint)random.NextInt64(0, 1L << 32)).Distinct().Order().ToArray();
            var seen = new List<GrainId>();
            for (var i = 0; i < cuts.Length; i++)
            {
                var begin = cuts[i];
                var end = cuts[(i + 1) % cuts.Length];
                var rows = (await table.ReadRows(begin, end)).Reminders;
                var expected = grains.Where(g => InArc(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order(StringComparer.Ordinal);
                Assert.Equal(expected, rows.Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal));
                seen.AddRange(rows.Select(r => r.GrainId));
            }

            Assert.Equal(grains.Count, seen.Count);
            Assert.Equal(grains.Count, seen.Distinct().Count());
        }
    }

    [Fact]
    public async Task RangeEdgesAreExclusiveBeginInclusiveEndAndWrapWhenBeginIsNotBelowEnd()
    {
        var table = await CreateAsync();
        var grain = NewGrain();
        var hash = grain.GetUniformHashCode();
        _output.WriteLine($"grain {grain} hash {hash}");
        await table.UpsertRow(Entry(grain, "edge"));
        Assert.Single((await table.ReadRows(unchecked(hash - 1), hash)).Reminders);
        Assert.Empty((await table.ReadRows(hash, unchecked(hash + 1))).Reminders);
        Assert.Single((await table.ReadRows(unchecked(hash - 1), unchecked(hash - 2))).Reminders); // wraps: all but (hash-2, hash-1]
        Assert.Empty((await table.ReadRows(hash, unchecked(hash - 1))).Reminders);                   // wraps: all but (hash-1, hash]
        Assert.Single((await table.ReadRows(uint.MaxValue, hash)).Reminders);                        // wraps at the top of the ring
        Assert.Single((await table.ReadRows(hash, hash)).Reminders);                                 // begin == end: the whole ring
    }

    [Fact]
    public async Task HashesAtTheEndsOfTheRingAreFound()
    {
        // Rows are written straight into the file with GrainHash 0 and uint.MaxValue (no need to search for grain ids
        // with such hashes): the range SQL must compare them as unsigned ring positions.
        var table = await CreateAsync();
        await using (var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO OrleansRemindersTable VALUES (@s, 'edge/zero', 'r', '2026-01-01T00:00:00.000Z', 60000, 0, 1), " +
                "(@s, 'edge/max', 'r', '2026-01-01T00:00:00.000Z', 60000, 4294967295, 1)";
            command.Parameters.AddWithValue("@s", ServiceIdOf(table));
            await command.ExecuteNonQueryAsync();
        }

        static string Keys(ReminderTableData data) => string.Join(",", data.Reminders.Select(r => r.GrainId.Key.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal("max", Keys(await table.ReadRows(0u, uint.MaxValue)));            // (0, max]: zero excluded
        Assert.Equal("zero", Keys(await table.ReadRows(uint.MaxValue, 0u)));           // wraps: (max, 0] holds only 0
        Assert.Equal("max,zero", Keys(await table.ReadRows(uint.MaxValue - 1, 0u)));   // wraps over both ends
        Assert.Equal("max,zero", Keys(await table.ReadRows(7u, 7u)));                  // the whole ring
    }

    [Fact]
    public async Task TimesKeepMillisecondPrecision()
    {
        var table = await CreateAsync();
        var grain = NewGrain();
        var start = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_239_999);
        await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "precise", StartAt = start, Period = TimeSpan.FromMilliseconds(90_000.7) });
        var row = await table.ReadRow(grain, "precise");
        Assert.NotNull(row);
        Assert.Equal(new DateTime(2030, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc), row.StartAt);
        Assert.Equal(TimeSpan.FromMilliseconds(90_000), row.Period);
    }

    [Fact]
    public async Task BadInputIsRejected()
    {
        var table = await CreateAsync();
        var grain = NewGrain();
        await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertRow(new ReminderEntry
        {
            GrainId = grain,
            ReminderName = "negative",
            StartAt = DateTime.UtcNow,
            Period = TimeSpan.FromSeconds(-1),
        }));
        await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertRow(Entry(grain, string.Empty)));
        await Assert.ThrowsAsync<ArgumentException>(() => table.ReadRow(default, "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => table.ReadRows(default(GrainId)));
    }

    [Fact]
    public async Task ConcurrentUpsertsGetDistinctETags()
    {
        var table = await CreateAsync();
        var grain = NewGrain();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upserts = Enumerable.Range(1, 8).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await table.UpsertRow(Entry(grain, "shared", i));
        })).ToArray();
        start.SetResult();
        var eTags = await Task.WhenAll(upserts);
        Assert.Equal(8, eTags.Distinct().Count());

        // The row holds the last upsert: its ETag is the one that was issued last.
        var row = await table.ReadRow(grain, "shared");
        Assert.NotNull(row);
        var winner = Array.IndexOf(eTags, row.ETag);
        Assert.True(winner >= 0, $"row ETag {row.ETag} was never returned by an upsert");
        Assert.Equal(TimeSpan.FromMinutes(winner + 1), row.Period);
    }

    [Fact]
    public async Task TestOnlyClearTableEmptiesOnlyItsService()
    {
        var mine = await CreateAsync("mine");
        var theirs = await CreateAsync("theirs");
        var grain = NewGrain();
        await mine.UpsertRow(Entry(grain, "a"));
        await theirs.UpsertRow(Entry(grain, "a"));
        await mine.TestOnlyClearTable();
        Assert.Empty((await mine.ReadRows(0u, 0u)).Reminders);
        Assert.Single((await theirs.ReadRows(0u, 0u)).Reminders);
    }

    [Fact]
    public async Task RowsSurviveReopeningTheFile()
    {
        var grain = GrainId.Create("timer", "durable");
        var first = await CreateAsync("svc");
        var eTag = await first.UpsertRow(Entry(grain, "r", 2));
        first.Dispose();

        var second = await CreateAsync("svc");
        var row = await second.ReadRow(grain, "r");
        Assert.NotNull(row);
        Assert.Equal(eTag, row.ETag);
        Assert.Empty((await (await CreateAsync("other-service")).ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task UnusableFileIsATypedError()
    {
        Directory.CreateDirectory(DatabaseFile);
        var table = Providers.Reminders(DatabaseFile, "svc");
        _tables.Add(table);
        var error = await Assert.ThrowsAsync<SqliteStorageException>(() => table.StartAsync());
        Assert.Equal(SqliteReminderTable.ProviderName, error.ProviderName);
        Assert.Equal("Init", error.Operation);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    public void Dispose()
    {
        foreach (var table in _tables)
        {
            table.Dispose();
        }

        _folder.Dispose();
    }

    private static GrainId NewGrain() => GrainId.Create("timer", Guid.NewGuid().ToString("N"));

    private static ReminderEntry Entry(GrainId grain, string name, int minutes = 1) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = new DateTime(2026, 11, 22, 3, 0, 0, 123, DateTimeKind.Utc),
        Period = TimeSpan.FromMinutes(minutes),
    };

    private static bool InArc(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private string ServiceIdOf(SqliteReminderTable table) => _serviceIds[table];

    /// <summary>A started table on this test's file with its own service id, so tables in one file stay apart.</summary>
    private async Task<SqliteReminderTable> CreateAsync(string? serviceId = null)
    {
        serviceId ??= "svc-" + Guid.NewGuid().ToString("N");
        var table = Providers.Reminders(DatabaseFile, serviceId);
        _tables.Add(table);
        _serviceIds[table] = serviceId;
        await table.StartAsync();
        return table;
    }
}
