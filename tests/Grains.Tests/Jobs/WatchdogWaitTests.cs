using System.Data.Common;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A submit does not wait for a reminder service that does not answer (the silo owning the job's hash range
/// died and is not declared dead yet): it answers after <c>WatchdogAtSubmitWait</c>, and the job's timer registers the
/// watchdog once the service answers again.</summary>
public sealed class WatchdogWaitTests
{
    [Fact]
    public async Task A_submit_answers_without_its_watchdog_while_the_reminder_table_stalls_and_the_watchdog_follows()
    {
        var table = new StallingReminderTable.Gate();
        var settings = new JobsSettings().Worker("w1", region: "local")
            .Set("Marketplace:Jobs:WatchdogAfter", "00:00:00")
            .Set("Marketplace:Jobs:WatchdogAtSubmitWait", "00:00:00.200")
            .Set("Marketplace:Jobs:RetryBaseDelay", "00:10:00");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services => Decorate(services, table));
        await WorkerTests.WaitForWorkersAsync(silo, 1);
        var quick = await JobsKit.DeployAsync(silo, "quick");

        // The job waits for a region no worker has, so it stays pending; every reminder write now hangs.
        table.Stall();
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s =>
        {
            s.Constraints = new() { ["region"] = "mars" };
            s.MaxRetries = 10;
        })).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(table.Stalled, "the submit was answered only after the reminder table answered again");
        var grain = silo.Grains.GetGrain<IJobGrain>(job.JobId);
        var logs = await grain.GetLogsAsync(JobsKit.Client, null, 50);
        Assert.Contains(logs.Logs, e => e.Message.Contains("not registered within 200 ms of the submit", StringComparison.Ordinal));
        Assert.True((await grain.GetAsync(JobsKit.Client)).Status < JobStatus.Completed);

        // The table answers again: the watchdog reaches it (the stalled write, or the timer's own).
        table.Release();
        var reminders = silo.Services.GetRequiredService<IReminderTable>();
        await Cluster.MarketplaceTestCluster.WaitAsync(
            async () => await reminders.ReadRow(grain.GetGrainId(), JobGrain.WatchdogReminder) is not null,
            () => "the job's watchdog never reached the reminder table");
    }

    [Fact]
    public async Task A_submit_lists_its_job_while_its_watchdog_registration_still_waits()
    {
        // The watchdog's wait is long here, so only a listing asked beside the registration (not after it) shows the
        // job in the client's list while the reminder table stalls.
        var table = new StallingReminderTable.Gate();
        var settings = new JobsSettings().Worker("w1", region: "local")
            .Set("Marketplace:Jobs:WatchdogAfter", "00:00:00")
            .Set("Marketplace:Jobs:WatchdogAtSubmitWait", "00:10:00")
            .Set("Marketplace:Jobs:RetryBaseDelay", "00:10:00");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services => Decorate(services, table));
        await WorkerTests.WaitForWorkersAsync(silo, 1);
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var list = silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client);

        table.Stall();
        var submit = silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.Constraints = new() { ["region"] = "mars" }));
        await Cluster.MarketplaceTestCluster.WaitAsync(
            async () => (await list.ListAsync(null, null, 10)).Jobs.Count == 1,
            () => "the job was not listed while its watchdog registration waited");
        Assert.False(submit.IsCompleted, "the job was listed only once the submit had stopped waiting for its watchdog registration");
        Assert.True(table.Stalled);

        table.Release();
        var job = await submit.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(job.JobId, Assert.Single((await list.ListAsync(null, null, 10)).Jobs).JobId);
    }

    [Fact]
    public async Task A_reminder_table_failing_with_its_own_errors_neither_fails_the_submit_nor_holds_the_job()
    {
        var table = new StallingReminderTable.Gate();
        var settings = new JobsSettings().Worker("w1", region: "local")
            .Set("Marketplace:Jobs:WatchdogAfter", "00:00:00")
            .Set("Marketplace:Jobs:WatchdogAtSubmitWait", "00:00:00.200");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services => Decorate(services, table));
        await WorkerTests.WaitForWorkersAsync(silo, 1);
        var quick = await JobsKit.DeployAsync(silo, "quick");

        // Every reminder write now fails as a database that is restarting does (its driver's exception, not an
        // Orleans one): the job is accepted, matched and completed all the same.
        table.Fail();
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick)).WaitAsync(TimeSpan.FromMinutes(2));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.True(table.Failures > 0, "no reminder write was refused");
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Contains(logs, e => e.Message.Contains("could not be registered at submit", StringComparison.Ordinal));
    }

    private static void Decorate(IServiceCollection services, StallingReminderTable.Gate table) =>
        ReminderTableDecorator.Decorate(services, inner => new StallingReminderTable(inner, table));

    /// <summary>What a database driver throws while its server restarts.</summary>
    private sealed class DatabaseRestartingException() : DbException("the database system is shutting down");

    /// <summary>A reminder table whose writes wait while its gate is closed, or fail while it is failing.</summary>
    private sealed class StallingReminderTable(IReminderTable inner, StallingReminderTable.Gate gate) : IReminderTable
    {
        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

        public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);

        public Task<ReminderTableData> ReadRows(uint begin, uint end) => inner.ReadRows(begin, end);

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);

        public async Task<string?> UpsertRow(ReminderEntry entry)
        {
            await gate.PassAsync();
            if (gate.Failing)
            {
                gate.CountFailure();
                throw new DatabaseRestartingException();
            }

            return await inner.UpsertRow(entry);
        }

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => inner.RemoveRow(grainId, reminderName, eTag);

        public Task TestOnlyClearTable() => inner.TestOnlyClearTable();

        /// <summary>Open until <see cref="Stall"/>; writes then wait for <see cref="Release"/>.</summary>
        public sealed class Gate
        {
            private TaskCompletionSource _open = CompletedSource();
            private int _failures;

            public bool Stalled => !_open.Task.IsCompleted;

            public bool Failing { get; private set; }

            public int Failures => Volatile.Read(ref _failures);

            public void Fail() => Failing = true;

            public void CountFailure() => Interlocked.Increment(ref _failures);

            public void Stall() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            public void Release() => _open.TrySetResult();

            public Task PassAsync() => _open.Task;

            private static TaskCompletionSource CompletedSource()
            {
                var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                source.SetResult();
                return source;
            }
        }
    }
}
