using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Timers;

public sealed class ReminderServiceTests : IDisposable
{
    private static readonly Dictionary<string, string?> ShortReminders = new()
    {
        ["Marketplace:Reminders:MinimumReminderPeriod"] = "00:00:00.500",
    };

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mkt-reminders-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task RemindersFireAfterASiloRestart()
    {
        var key = "restart-" + Guid.NewGuid();
        await using (var first = await StartSqliteSilo())
        {
            await first.Grains.GetGrain<IReminderGrain>(key).Register("wake", TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1));
            await WaitForTicks(key, 1);
        }

        var restartedAt = DateTime.UtcNow;
        await using var second = await StartSqliteSilo();

        // Nothing calls the grain: the reminder service alone must reactivate it.
        await WaitForTicks(key, 1, after: restartedAt);
    }

    [Fact]
    public async Task UnregisteredRemindersStopAndShortPeriodsAreRejected()
    {
        await using var silo = await TestSilo.StartAsync(s => s.Services.AddMemoryReminderTable(), ShortReminders);
        var key = "unregister-" + Guid.NewGuid();
        var grain = silo.Grains.GetGrain<IReminderGrain>(key);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.Register("too-fast", TimeSpan.Zero, TimeSpan.FromMilliseconds(100)));
        await grain.Register("tick", TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, await grain.RegisteredCount());
        await WaitForTicks(key, 1);
        await grain.Unregister("tick");
        Assert.Equal(0, await grain.RegisteredCount());
        await Task.Delay(200);
        var stoppedAt = DateTime.UtcNow;
        await Task.Delay(1200);
        Assert.DoesNotContain(ReminderGrain.Ticks, t => t.Key == key && t.At > stoppedAt);
    }

    private Task<TestSilo> StartSqliteSilo()
    {
        var connection = $"Data Source={Path.Combine(_folder, "reminders.db")}";
        return TestSilo.StartAsync(s => s.Services.AddAdoNetReminderTable(o => o.ConnectionString = connection), ShortReminders);
    }

    private static async Task WaitForTicks(string key, int count, DateTime? after = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (ReminderGrain.Ticks.Count(t => t.Key == key && t.At >= (after ?? DateTime.MinValue)) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"reminder of {key} did not fire");
            await Task.Delay(50);
        }
    }
}
