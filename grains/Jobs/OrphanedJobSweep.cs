// Design: a job's grain that lived on a silo which died comes back only when something calls it. Its watchdog
// reminder does, at its next tick (WatchdogPeriod after the last one, a minute at the defaults), and the work its
// workers held is found lost only at a lease or committee deadline. So when the membership declares a silo dead (a
// kill found by the failure detector, or the end of a graceful stop), every surviving silo reads a slice of the
// reminder table, the hash ring split evenly over the active silos in address order, and sends JobGrain.ResumeAsync
// to each job watchdog in it (JobGrain.Resume.cs says what that call does). It does so twice: at once, and again
// ResumeRepeat later, for calls that still went to the dead silo's address from a cache not yet cleared. The sweep is
// best-effort: silos that briefly disagree on the membership may both take or both skip a range, and the reminders
// remain the backstop. A job registers its watchdog at submit (WatchdogAfter 0, the default); with a positive
// WatchdogAfter, a job younger than that has no watchdog yet and resumes on its next call.
using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>Resumes the unfinished jobs of a silo that died, on the silos that survive it.</summary>
internal sealed partial class OrphanedJobSweep(
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IGrainFactory grains,
    IServiceProvider services,
    ILogger<OrphanedJobSweep> log) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long after the first sweep the second runs.</summary>
    internal static readonly TimeSpan ResumeRepeat = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stop = new();
    private Task _watch = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(OrphanedJobSweep), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IReminderTable>() is { } reminders)
        {
            _watch = Task.Run(() => WatchAsync(reminders, _stop.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        try
        {
            await _watch.WaitAsync(cancellationToken);
            _stop.Dispose();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stop's own deadline passed; the watch, still holding the token, ends with the process.
        }
    }

    private async Task WatchAsync(IReminderTable reminders, CancellationToken stop)
    {
        var previous = membership.CurrentSnapshot;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stop))
            {
                var died = Died(previous, snapshot);
                previous = snapshot;
                if (died is null)
                {
                    continue;
                }

                // Sweep in the background: the next change (another silo dying) must not wait behind this one.
                _ = SweepTwiceAsync(reminders, died, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task SweepTwiceAsync(IReminderTable reminders, SiloAddress died, CancellationToken stop)
    {
        try
        {
            await SweepAsync(reminders, died, stop);
            await Task.Delay(ResumeRepeat, services.GetService<TimeProvider>() ?? TimeProvider.System, stop);
            await SweepAsync(reminders, died, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(IReminderTable reminders, SiloAddress died, CancellationToken stop)
    {
        if (Slice(membership.CurrentSnapshot, local.SiloAddress) is not var (begin, end))
        {
            return; // This silo is not active (it is stopping): the others take the whole ring.
        }

        ReminderTableData rows;
        try
        {
            rows = await reminders.ReadRows(begin, end, stop);
        }
        catch (Exception e) when (e is DbException or TimeoutException or OrleansException)
        {
            // The table's own failure (the database away while a silo died): the reminders still fire later.
            LogSweepFailed(log, e, died.ToString(), e.Message);
            return;
        }

        var resumed = 0;
        foreach (var row in rows.Reminders)
        {
            if (string.Equals(row.ReminderName, JobGrain.WatchdogReminder, StringComparison.Ordinal))
            {
                try
                {
                    await grains.GetGrain<IJobAttemptGrain>(row.GrainId.Key.ToString()!).ResumeAsync();
                    resumed++;
                }
                catch (OrleansException)
                {
                    // One-way: only a send that could not start throws; the job's reminder still fires later.
                }
            }
        }

        LogSwept(log, died.ToString(), resumed, begin, end);
    }

    /// <summary>The silo that changed from alive to dead between two snapshots (one of them when several did), or
    /// null when none did.</summary>
    internal static SiloAddress? Died(ClusterMembershipSnapshot before, ClusterMembershipSnapshot after)
    {
        foreach (var (address, member) in after.Members)
        {
            if (member.Status == SiloStatus.Dead && before.Members.TryGetValue(address, out var earlier) && earlier.Status != SiloStatus.Dead)
            {
                return address;
            }
        }

        return null;
    }

    /// <summary>This silo's slice of the hash ring, (begin, end] as <see cref="IReminderTable.ReadRows(uint, uint)"/>
    /// reads it (begin ≥ end wraps past the top; begin = end is the whole ring): the ring split evenly over the
    /// active silos in address order. Null when <paramref name="self"/> is not active.</summary>
    internal static (uint Begin, uint End)? Slice(ClusterMembershipSnapshot snapshot, SiloAddress self)
    {
        var active = new List<SiloAddress>();
        foreach (var (address, member) in snapshot.Members)
        {
            if (member.Status == SiloStatus.Active)
            {
                active.Add(address);
            }
        }

        active.Sort();
        var index = active.IndexOf(self);
        if (index < 0)
        {
            return null;
        }

        const ulong Ring = 1UL << 32;
        var begin = (uint)((ulong)index * Ring / (ulong)active.Count);
        var end = (uint)((ulong)(index + 1) * Ring / (ulong)active.Count % Ring);
        return (begin, end);
    }

    [LoggerMessage(EventId = MarketplaceEventIds.OrphanedJobsResumed, Level = LogLevel.Information, Message = "Silo {Silo} died: resumed {Count} unfinished jobs whose watchdogs hash into ({Begin}, {End}]")]
    private static partial void LogSwept(ILogger logger, string silo, int count, uint begin, uint end);

    [LoggerMessage(EventId = MarketplaceEventIds.OrphanedJobSweepFailed, Level = LogLevel.Warning, Message = "Silo {Silo} died, but its unfinished jobs could not be listed ({Reason}); they resume at their watchdog reminders' next tick")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string silo, string reason);
}
