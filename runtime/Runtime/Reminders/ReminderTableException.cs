namespace Marketplace.Runtime.Reminders;

/// <summary>
/// A reminder table could not do its work: the database was unreachable, the schema is missing, or a row does not
/// fit the table. ETag mismatches on remove are not errors (the call returns false).
/// </summary>
public class ReminderTableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReminderTableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ReminderTableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    public ReminderTableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the grain and reminder involved.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="grainId">The grain, or the default value for range reads and schema work.</param>
    /// <param name="reminderName">The reminder, or null when not about one reminder.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ReminderTableException(string message, GrainId grainId, string? reminderName, Exception? innerException)
        : base(Describe(message, grainId, reminderName), innerException)
    {
        GrainId = grainId;
        ReminderName = reminderName;
    }

    /// <summary>The grain involved; the default value when not about one grain.</summary>
    public GrainId GrainId { get; }

    /// <summary>The reminder involved, when known.</summary>
    public string? ReminderName { get; }

    private static string Describe(string message, GrainId grainId, string? reminderName)
    {
        var grain = grainId.IsDefault ? string.Empty : $" (grain {grainId}";
        var name = reminderName is null ? string.Empty : $", reminder '{reminderName}'";
        return grain.Length == 0 ? message : $"{message}{grain}{name})";
    }
}
