using Marketplace.Runtime.Persistence;
using Marketplace.Runtime.Reminders;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Reminders;

public sealed class PostgresReminderTableTests : ReminderTableBehaviours, IDisposable
{
    private readonly List<AdoNetReminderTable> _tables = [];

    public PostgresReminderTableTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [PostgresTheory]
    [MemberData(nameof(Cases), MemberType = typeof(ReminderTableBehaviours))]
    public Task Behaviour(string name) => RunBehaviourAsync(name);

    [Fact]
    public async Task UnreachableServerIsATypedError()
    {
        // Port 1 on loopback refuses at once: no PostgreSQL is needed for this test.
        var table = new AdoNetReminderTable(new AdoNetReminderTableOptions
        {
            Invariant = AdoNetInvariants.PostgreSql,
            ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=5",
            CreateSchema = false,
        });
        _tables.Add(table);
        var grain = new GrainId("timer", "unreachable");
        var error = await Assert.ThrowsAsync<ReminderTableException>(() => table.ReadRowAsync(grain, "r"));
        Assert.Equal(grain, error.GrainId);
        Assert.Equal("r", error.ReminderName);
        Assert.IsAssignableFrom<Npgsql.NpgsqlException>(error.InnerException);

        var withSchema = new AdoNetReminderTable(new AdoNetReminderTableOptions
        {
            Invariant = AdoNetInvariants.PostgreSql,
            ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=5",
        });
        _tables.Add(withSchema);
        await Assert.ThrowsAsync<ReminderTableException>(() => withSchema.InitAsync());
    }

    public void Dispose()
    {
        foreach (var table in _tables)
        {
            table.Dispose();
        }
    }

    protected override async Task<IReminderTable> CreateTableAsync()
    {
        var table = new AdoNetReminderTable(new AdoNetReminderTableOptions
        {
            Invariant = AdoNetInvariants.PostgreSql,
            ConnectionString = ExternalService.Require(PostgresFactAttribute.Variable),
            ServiceId = "test-" + Guid.NewGuid().ToString("N"),
        });
        _tables.Add(table);
        await table.InitAsync();
        return table;
    }
}
