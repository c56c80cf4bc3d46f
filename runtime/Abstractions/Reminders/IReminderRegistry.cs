namespace Marketplace.Runtime.Reminders;

/// <summary>The silo's reminder service as grains see it.</summary>
public interface IReminderRegistry
{
    /// <summary>Creates or updates a durable reminder for <paramref name="grainId"/>.</summary>
    Task<IGrainReminder> RegisterOrUpdateReminder(GrainId grainId, string reminderName, TimeSpan dueTime, TimeSpan period);

    /// <summary>Removes a reminder.</summary>
    Task UnregisterReminder(GrainId grainId, IGrainReminder reminder);

    /// <summary>One reminder, or null.</summary>
    Task<IGrainReminder?> GetReminder(GrainId grainId, string reminderName);

    /// <summary>All reminders of a grain.</summary>
    Task<IReadOnlyList<IGrainReminder>> GetReminders(GrainId grainId);
}

/// <summary>Reminder helpers on grains (Orleans' <c>RegisterOrUpdateReminder</c> family).</summary>
public static class GrainReminderExtensions
{
    /// <summary>Creates or updates a durable reminder; the grain must implement <see cref="IRemindable"/>.</summary>
    /// <exception cref="InvalidOperationException">The grain is not remindable or no reminder service is configured.</exception>
    public static Task<IGrainReminder> RegisterOrUpdateReminder(this IGrainBase grain, string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(grain);
        if (grain is not IRemindable)
        {
            throw new InvalidOperationException($"Grain {grain.GrainContext.GrainId} must implement IRemindable to register reminders.");
        }

        return Registry(grain).RegisterOrUpdateReminder(grain.GrainContext.GrainId, reminderName, dueTime, period);
    }

    /// <summary>Removes a reminder.</summary>
    public static Task UnregisterReminder(this IGrainBase grain, IGrainReminder reminder) =>
        Registry(grain).UnregisterReminder(grain.GrainContext.GrainId, reminder);

    /// <summary>One reminder by name, or null.</summary>
    public static Task<IGrainReminder?> GetReminder(this IGrainBase grain, string reminderName) =>
        Registry(grain).GetReminder(grain.GrainContext.GrainId, reminderName);

    /// <summary>All reminders of the grain.</summary>
    public static Task<IReadOnlyList<IGrainReminder>> GetReminders(this IGrainBase grain) =>
        Registry(grain).GetReminders(grain.GrainContext.GrainId);

    private static IReminderRegistry Registry(IGrainBase grain) =>
        grain.GrainContext.ActivationServices.GetService(typeof(IReminderRegistry)) as IReminderRegistry
        ?? throw new InvalidOperationException("No reminder service is configured: add a reminder table (e.g. AddMemoryReminderTable or AddAdoNetReminderTable).");
}
