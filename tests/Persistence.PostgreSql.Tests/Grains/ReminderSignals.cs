using System.Collections.Concurrent;

namespace Marketplace.Persistence.PostgreSql.Tests.Grains;

/// <summary>Lets a test await a reminder tick delivered to a <see cref="ProbeGrain"/> in this process.</summary>
public static class ReminderSignals
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Ticks = new();

    /// <summary>A task that completes at the first tick of <paramref name="reminderName"/> on grain <paramref name="grainKey"/>.</summary>
    public static Task WhenFired(string grainKey, string reminderName) => Signal(grainKey, reminderName).Task;

    internal static void Fired(string grainKey, string reminderName) => Signal(grainKey, reminderName).TrySetResult();

    private static TaskCompletionSource Signal(string grainKey, string reminderName) =>
        Ticks.GetOrAdd(grainKey + "/" + reminderName, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
