using Marketplace.Runtime.Reminders;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Reminders;

public sealed class MemoryReminderTableTests(ITestOutputHelper output) : ReminderTableBehaviours(output)
{
    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(ReminderTableBehaviours))]
    public Task Behaviour(string name) => RunBehaviourAsync(name);

    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(new MemoryReminderTable());
}
