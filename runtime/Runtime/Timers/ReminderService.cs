// Design: durable reminders live in the IReminderTable (registered by a storage provider). At start the silo reads the
// whole ring (single-silo: it owns every grain) and arms one in-memory timer per row; a tick calls
// IRemindable.ReceiveReminder through a normal grain call, which activates the grain if needed. The next tick is armed
// after the call completes (never overlapping), at the next multiple of the period after StartAt, so a silo restart
// resumes the schedule. The table is re-read every RefreshReminderListPeriod to pick up rows written elsewhere.
using System.Collections.Concurrent;
using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Runtime.Timers;

/// <summary>The silo's reminder service.</summary>
internal sealed class ReminderService(IServiceProvider services, SiloRuntimeClient runtime, IOptions<ReminderOptions> options) : IReminderRegistry
{
    private readonly ConcurrentDictionary<(GrainId, string), LocalReminder> _local = new();
    private readonly ReminderOptions _options = options.Value;
    private Timer? _refresh;
    private volatile bool _stopped;

    private IReminderTable? Table => services.GetService<IReminderTable>();

    /// <summary>Reminders armed on this silo.</summary>
    public int ActiveCount => _local.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Table is not { } table)
        {
            return;
        }

        await table.InitAsync(cancellationToken);
        await RefreshAsync();
        _refresh = new Timer(static s => _ = ((ReminderService)s!).RefreshAsync(), this, _options.RefreshReminderListPeriod, _options.RefreshReminderListPeriod);
    }

    public async Task StopAsync()
    {
        _stopped = true;
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }

        foreach (var reminder in _local.Values)
        {
            reminder.Dispose();
        }

        _local.Clear();
    }

    public async Task<IGrainReminder> RegisterOrUpdateReminder(GrainId grainId, string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        if (period < _options.MinimumReminderPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"Reminder period must be at least {_options.MinimumReminderPeriod} (ReminderOptions.MinimumReminderPeriod).");
        }

        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "Reminder due time cannot be negative.");
        }

        var table = RequireTable();
        var entry = new ReminderEntry { GrainId = grainId, ReminderName = reminderName, StartAt = DateTime.UtcNow + dueTime, Period = period };
        var etag = await table.UpsertRowAsync(entry);
        var stored = new ReminderEntry { GrainId = grainId, ReminderName = reminderName, StartAt = entry.StartAt, Period = period, ETag = etag };
        Arm(stored);
        return new GrainReminder(reminderName, etag);
    }

    public async Task UnregisterReminder(GrainId grainId, IGrainReminder reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        var table = RequireTable();
        var etag = (reminder as GrainReminder)?.ETag ?? (await table.ReadRowAsync(grainId, reminder.ReminderName))?.ETag;
        if (etag is not null)
        {
            await table.RemoveRowAsync(grainId, reminder.ReminderName, etag);
        }

        if (_local.TryRemove((grainId, reminder.ReminderName), out var local))
        {
            local.Dispose();
        }
    }

    public async Task<IGrainReminder?> GetReminder(GrainId grainId, string reminderName)
    {
        var row = await RequireTable().ReadRowAsync(grainId, reminderName);
        return row is null ? null : new GrainReminder(row.ReminderName, row.ETag);
    }

    public async Task<IReadOnlyList<IGrainReminder>> GetReminders(GrainId grainId)
    {
        var rows = await RequireTable().ReadRowsAsync(grainId);
        return rows.Select(r => (IGrainReminder)new GrainReminder(r.ReminderName, r.ETag)).ToList();
    }

    private IReminderTable RequireTable() => Table
        ?? throw new InvalidOperationException("No reminder table is configured: add one (e.g. AddMemoryReminderTable or AddAdoNetReminderTable).");

    private async Task RefreshAsync()
    {
        if (_stopped || Table is not { } table)
        {
            return;
        }

        IReadOnlyList<ReminderEntry> rows;
        try
        {
            rows = await table.ReadRowsAsync(0u, 0u);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A failed refresh keeps the reminders already armed; the next refresh retries.
            runtime.Log.ReminderTableFailed(exception);
            return;
        }

        var seen = new HashSet<(GrainId, string)>();
        foreach (var row in rows)
        {
            seen.Add((row.GrainId, row.ReminderName));
            if (!_local.TryGetValue((row.GrainId, row.ReminderName), out var existing) || existing.Entry.ETag != row.ETag)
            {
                Arm(row);
            }
        }

        foreach (var key in _local.Keys)
        {
            if (!seen.Contains(key) && _local.TryRemove(key, out var gone))
            {
                gone.Dispose();
            }
        }
    }

    private void Arm(ReminderEntry entry)
    {
        if (_stopped)
        {
            return;
        }

        var reminder = new LocalReminder(entry, this);
        if (_local.TryGetValue((entry.GrainId, entry.ReminderName), out var old))
        {
            old.Dispose();
        }

        _local[(entry.GrainId, entry.ReminderName)] = reminder;
        reminder.ScheduleNext();
    }

    private async Task FireAsync(LocalReminder reminder, DateTime due)
    {
        var entry = reminder.Entry;
        try
        {
            var status = new TickStatus(entry.StartAt, entry.Period, due);
            await runtime.GetGrain<IRemindable>(entry.GrainId).ReceiveReminder(entry.ReminderName, status);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Reminder delivery is at-least-once-ish: a failed tick is logged and the schedule continues.
            runtime.Log.ReminderFailed(exception, entry.ReminderName, entry.GrainId);
        }
    }

    /// <summary>One armed reminder.</summary>
    private sealed class LocalReminder(ReminderEntry entry, ReminderService service) : IDisposable
    {
        private Timer? _timer;
        private volatile bool _disposed;

        public ReminderEntry Entry { get; } = entry;

        public void ScheduleNext()
        {
            if (_disposed)
            {
                return;
            }

            var now = DateTime.UtcNow;
            var next = Entry.StartAt;
            if (next < now)
            {
                var periods = (long)Math.Ceiling((now - Entry.StartAt).Ticks / (double)Entry.Period.Ticks);
                next = Entry.StartAt + TimeSpan.FromTicks(Entry.Period.Ticks * Math.Max(1, periods));
            }

            var delay = next - now;
            _timer?.Dispose();
            _timer = new Timer(static s => _ = ((LocalReminder)s!).TickAsync(), this, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
            _due = next;
        }

        private DateTime _due;

        public void Dispose()
        {
            _disposed = true;
            _timer?.Dispose();
        }

        private async Task TickAsync()
        {
            if (_disposed)
            {
                return;
            }

            await service.FireAsync(this, _due);
            ScheduleNext();
        }
    }

    /// <summary>A reminder handle.</summary>
    private sealed record GrainReminder(string ReminderName, string? ETag) : IGrainReminder;
}
