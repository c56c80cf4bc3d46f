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
