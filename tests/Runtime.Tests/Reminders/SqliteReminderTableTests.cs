using Marketplace.Runtime.Persistence;
using Marketplace.Runtime.Reminders;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Reminders;

public sealed class SqliteReminderTableTests : ReminderTableBehaviours, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mkt-reminders-" + Guid.NewGuid().ToString("N"));
    private readonly List<AdoNetReminderTable> _tables = [];

    public SqliteReminderTableTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private string DatabaseFile => Path.Combine(_folder, "reminders.db");

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(ReminderTableBehaviours))]
    public Task Behaviour(string name) => RunBehaviourAsync(name);

    [Fact]
    public async Task RowsSurviveReopeningTheFile()
    {
        var grain = new GrainId("timer", "durable");
        var first = Create("svc");
        await first.InitAsync();
        var eTag = await first.UpsertRowAsync(new ReminderEntry
        {
            GrainId = grain,
            ReminderName = "r",
            StartAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            Period = TimeSpan.FromMinutes(2),
        });
        await first.DisposeAsync();

        var second = Create("svc");
        var row = await second.ReadRowAsync(grain, "r");
        Assert.NotNull(row);
        Assert.Equal(eTag, row.ETag);
        Assert.Empty(await Create("other-service").ReadRowsAsync(grain));
    }

    [Fact]
    public async Task MissingSchemaWithoutCreateSchemaIsATypedError()
    {
        var table = Create("svc", createSchema: false);
        await table.InitAsync();
        var error = await Assert.ThrowsAsync<ReminderTableException>(() => table.ReadRowsAsync(0u, 0u));
        Assert.IsType<SqliteException>(error.InnerException);
    }

    public void Dispose()
    {
        foreach (var table in _tables)
        {
            table.Dispose();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    protected override async Task<IReminderTable> CreateTableAsync()
    {
        var table = Create("svc-" + Guid.NewGuid().ToString("N"));
        await table.InitAsync();
        return table;
    }

    private AdoNetReminderTable Create(string serviceId, bool createSchema = true)
    {
        var table = new AdoNetReminderTable(new AdoNetReminderTableOptions
        {
            Invariant = AdoNetInvariants.Sqlite,
            ConnectionString = $"Data Source={DatabaseFile}",
            ServiceId = serviceId,
            CreateSchema = createSchema,
        });
        _tables.Add(table);
        return table;
    }
}
