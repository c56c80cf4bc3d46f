namespace Marketplace.Runtime.Reminders;

/// <summary>
/// An in-process reminder table for tests and single-silo development, with the same semantics as
/// <see cref="AdoNetReminderTable"/> (versions as ETags, millisecond precision, ring-range reads). Lost on exit.
/// </summary>
public sealed class MemoryReminderTable : IReminderTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _rows = [];

    /// <inheritdoc />
    public Task InitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) value.", nameof(grainId));
        }

        var result = new List<ReminderEntry>();
        lock (_gate)
        {
            foreach (var row in _rows.Values)
            {
                if (row.GrainId == grainId)
                {
                    result.Add(row);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<ReminderEntry>>(result);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint begin, uint end, CancellationToken cancellationToken = default)
    {
        var result = new List<ReminderEntry>();
        lock (_gate)
        {
            foreach (var row in _rows.Values)
            {
                if (ReminderRowCodec.InRange(row.GrainId.GetUniformHashCode(), begin, end))
                {
                    result.Add(row);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<ReminderEntry>>(result);
    }

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken = default)
    {
        ReminderRowCodec.ValidateKey(grainId, reminderName);
        lock (_gate)
        {
            return Task.FromResult(_rows.GetValueOrDefault((grainId, reminderName)));
        }
    }

    /// <inheritdoc />
    public Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken = default)
    {
        ReminderRowCodec.Validate(entry);
        lock (_gate)
        {
            var key = (entry.GrainId, entry.ReminderName);
            var version = _rows.TryGetValue(key, out var current) ? ReminderRowCodec.ParseETag(current.ETag)!.Value + 1 : 1;
            var eTag = ReminderRowCodec.FormatETag(version);
            _rows[key] = new ReminderEntry
            {
                GrainId = entry.GrainId,
                ReminderName = entry.ReminderName,
                StartAt = ReminderRowCodec.ToStoredTime(entry.StartAt),
                Period = TimeSpan.FromMilliseconds(ReminderRowCodec.ToStoredPeriod(entry.Period)),
                ETag = eTag,
            };
            return Task.FromResult(eTag);
        }
    }

    /// <inheritdoc />
    public Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken = default)
    {
        ReminderRowCodec.ValidateKey(grainId, reminderName);
        lock (_gate)
        {
            var key = (grainId, reminderName);
            var removed = _rows.TryGetValue(key, out var current)
                && string.Equals(current.ETag, eTag, StringComparison.Ordinal)
                && _rows.Remove(key);
            return Task.FromResult(removed);
        }
    }
}
