using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Persistence.Sqlite.Tests.Silo;

/// <summary>A grain with one persistent state on the storage named "sqlite".</summary>
public interface IProfileGrain : IGrainWithStringKey
{
    Task SetAsync(string name, int count);

    Task<ProfileView> GetAsync();

    Task ClearAsync();
}

/// <summary>What <see cref="IProfileGrain"/> reports of its state.</summary>
[GenerateSerializer]
public sealed record ProfileView([property: Id(0)] string Name, [property: Id(1)] int Count, [property: Id(2)] bool RecordExists, [property: Id(3)] string? ETag);

/// <summary>A grain with one persistent state on the default storage.</summary>
public interface IDefaultStorageGrain : IGrainWithIntegerKey
{
    Task<string?> WriteAsync(string name);
}

/// <summary>A grain that registers a reminder and reports each tick to the <see cref="ReminderSignal"/> of its silo.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan dueTime, TimeSpan period);

    Task StopAsync();
}

public sealed class ProfileGrain([PersistentState("profile", "sqlite")] IPersistentState<SampleState> profile) : Grain, IProfileGrain
{
    public async Task SetAsync(string name, int count)
    {
        profile.State.Name = name;
        profile.State.Count = count;
        await profile.WriteStateAsync();
    }

    public Task<ProfileView> GetAsync() => Task.FromResult(new ProfileView(profile.State.Name, profile.State.Count, profile.RecordExists, profile.Etag));

    public Task ClearAsync() => profile.ClearStateAsync();
}

public sealed class DefaultStorageGrain([PersistentState("state")] IPersistentState<SampleState> state) : Grain, IDefaultStorageGrain
{
    public async Task<string?> WriteAsync(string name)
    {
        state.State.Name = name;
        await state.WriteStateAsync();
        return state.Etag;
    }
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public async Task StartAsync(TimeSpan dueTime, TimeSpan period) => await this.RegisterOrUpdateReminder("tick", dueTime, period);

    public async Task StopAsync()
    {
        if (await this.GetReminder("tick") is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ServiceProvider.GetRequiredService<ReminderSignal>().Record(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A test hook registered in a test silo: grains record reminder ticks here and tests wait on the tick itself.
/// </summary>
public sealed class ReminderSignal
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _ticks = new(StringComparer.Ordinal);

    /// <summary>Completes at the first tick of <paramref name="reminderName"/> of grain <paramref name="key"/> in this silo.</summary>
    public Task FirstTick(string key, string reminderName) => Source(key, reminderName).Task;

    public void Record(string key, string reminderName) => Source(key, reminderName).TrySetResult();

    private TaskCompletionSource Source(string key, string reminderName) =>
        _ticks.GetOrAdd(key + "/" + reminderName, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>A grain whose state lives on the storage named "broken" (a tests points it at an unusable file).</summary>
public interface IBrokenStorageGrain : IGrainWithStringKey
{
    Task<string> GetAsync();
}

public sealed class BrokenStorageGrain([PersistentState("state", "broken")] IPersistentState<SampleState> state) : Grain, IBrokenStorageGrain
{
    public Task<string> GetAsync() => Task.FromResult(state.State.Name);
}
