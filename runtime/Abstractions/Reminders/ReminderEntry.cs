namespace Marketplace.Runtime.Reminders;

/// <summary>One durable reminder row: which grain, which name, when it starts and how often it fires.</summary>
public sealed class ReminderEntry
{
    /// <summary>The grain the reminder belongs to.</summary>
    public required GrainId GrainId { get; init; }

    /// <summary>The reminder's name, unique per grain.</summary>
    public required string ReminderName { get; init; }

    /// <summary>The first time the reminder is due (UTC).</summary>
    public required DateTime StartAt { get; init; }

    /// <summary>The period between ticks.</summary>
    public required TimeSpan Period { get; init; }

    /// <summary>The row's ETag as stored; null for a row not read from the table.</summary>
    public string? ETag { get; init; }
}
