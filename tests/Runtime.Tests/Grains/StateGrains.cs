using Marketplace.Runtime.Reminders;
using Marketplace.Runtime.Serialization;
using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime.Tests.Grains;

[GenerateSerializer]
public sealed class ProfileState
{
    [Id(0)]
    public string Name { get; set; } = "";

    [Id(1)]
    public List<string> History { get; set; } = [];

    [Id(2)]
    public IProfileGrain? Friend { get; set; }
}

public interface IProfileGrain : IGrainWithStringKey
{
    Task SetName(string name);

    Task<string> GetName();

    Task<IReadOnlyList<string>> GetHistory();

    Task SetFriend(IProfileGrain friend);

    Task<IProfileGrain?> GetFriend();

    Task<(bool Exists, string? ETag)> GetRecordInfo();

    Task Clear();

    Task Deactivate();
}

public sealed class ProfileGrain([PersistentState("profile")] IPersistentState<ProfileState> profile) : Grain, IProfileGrain
{
    public async Task SetName(string name)
    {
        profile.State.Name = name;
        profile.State.History.Add(name);
        await profile.WriteStateAsync();
    }

    public Task<string> GetName() => Task.FromResult(profile.State.Name);

    public Task<IReadOnlyList<string>> GetHistory() => Task.FromResult<IReadOnlyList<string>>(profile.State.History);

    public async Task SetFriend(IProfileGrain friend)
    {
        profile.State.Friend = friend;
        await profile.WriteStateAsync();
    }

    public Task<IProfileGrain?> GetFriend() => Task.FromResult(profile.State.Friend);

    public Task<(bool Exists, string? ETag)> GetRecordInfo() => Task.FromResult((profile.RecordExists, profile.Etag));

    public Task Clear() => profile.ClearStateAsync();

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

[GenerateSerializer]
public sealed class TallyState
{
    [Id(0)]
    public int Count { get; set; }
}

public interface ITallyGrain : IGrainWithIntegerKey
{
    Task<int> Increment();

    Task<int> Get();
}

[StorageProvider(ProviderName = "tally-store")]
public sealed class TallyGrain : Grain<TallyState>, ITallyGrain
{
    public async Task<int> Increment()
    {
        State.Count++;
        await WriteStateAsync();
        return State.Count;
    }

    public Task<int> Get() => Task.FromResult(State.Count);
}

public interface IReminderGrain : IGrainWithStringKey, IRemindable
{
    Task Register(string name, TimeSpan due, TimeSpan period);

    Task Unregister(string name);

    Task<int> RegisteredCount();
}

public sealed class ReminderGrain : Grain, IReminderGrain
{
    public static readonly System.Collections.Concurrent.ConcurrentQueue<(string Key, string Name, DateTime At)> Ticks = new();

    public async Task Register(string name, TimeSpan due, TimeSpan period) => await this.RegisterOrUpdateReminder(name, due, period);

    public async Task Unregister(string name)
    {
        var reminder = await this.GetReminder(name) ?? throw new InvalidOperationException("no reminder " + name);
        await this.UnregisterReminder(reminder);
    }

    public async Task<int> RegisteredCount() => (await this.GetReminders()).Count;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.Enqueue((this.GetPrimaryKeyString(), reminderName, DateTime.UtcNow));
        return Task.CompletedTask;
    }
}
