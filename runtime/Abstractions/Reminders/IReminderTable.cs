namespace Marketplace.Runtime.Reminders;

/// <summary>
/// Durable storage for reminders (Orleans' <c>IReminderTable</c>). Rows are keyed by grain id and reminder name;
/// range reads by <see cref="GrainId.GetUniformHashCode"/> let each silo load the reminders of the grains it owns.
/// </summary>
public interface IReminderTable
{
    /// <summary>Creates the table if needed.</summary>
    Task InitAsync(CancellationToken cancellationToken = default);

    /// <summary>All reminders of one grain.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>
    /// All reminders whose grain hash lies in the ring range (<paramref name="begin"/>, <paramref name="end"/>];
    /// when begin ≥ end the range wraps around zero; begin == end means the whole ring.
    /// </summary>
    Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint begin, uint end, CancellationToken cancellationToken = default);

    /// <summary>One reminder, or null when it does not exist.</summary>
    Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a reminder; returns the new ETag.</summary>
    Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Removes a reminder if its ETag matches; returns false when it did not (or the row is gone).</summary>
    Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken = default);
}
