namespace Marketplace.Runtime.Reminders;

/// <summary>A grain that receives durable reminders.</summary>
public interface IRemindable : IGrain
{
    /// <summary>A reminder is due.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>Information about one reminder tick.</summary>
/// <param name="FirstTickTime">When the reminder first fired (UTC).</param>
/// <param name="Period">The period.</param>
/// <param name="CurrentTickTime">When this tick was due (UTC).</param>
[Serialization.GenerateSerializer]
public readonly record struct TickStatus(
    [property: Serialization.Id(0)] DateTime FirstTickTime,
    [property: Serialization.Id(1)] TimeSpan Period,
    [property: Serialization.Id(2)] DateTime CurrentTickTime);

/// <summary>A registered reminder.</summary>
public interface IGrainReminder
{
    /// <summary>The reminder's name.</summary>
    string ReminderName { get; }
}
