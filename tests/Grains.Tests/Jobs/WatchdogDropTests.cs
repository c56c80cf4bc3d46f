using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A finished job drops its watchdog reminder with the handle it registered, without reading the row back
/// first; a handle that no longer matches the row (another registration changed it) falls back to the row as it is.</summary>
public sealed class WatchdogDropTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_finished_jobs_watchdog_leaves_the_table(bool firstRemovalRefused)
    {
        var table = new CountingReminderTable.Counts { RefuseFirstRemoval = firstRemovalRefused };
        await using var silo = await StartAsync(table);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(await JobsKit.DeployAsync(silo, "quick")));
        Assert.Equal(JobStatus.Completed, (await silo.Grains.WaitTerminalAsync(job.JobId)).Status);
        var grain = silo.Grains.GetGrain<IJobGrain>(job.JobId).GetGrainId();
        await Cluster.MarketplaceTestCluster.WaitAsync(
            async () => await table.Inner!.ReadRow(grain, JobGrain.WatchdogReminder) is null,
            () => "the finished job's watchdog is still in the reminder table");

        Assert.Equal(1, table.Upserts(grain));
        if (firstRemovalRefused)
        {
            // The refused removal made Orleans read the row (still there: refused), and the job then read it once.
            Assert.Equal(2, table.Removals(grain));
            Assert.Equal(2, table.Reads(grain));
        }
        else
        {
            Assert.Equal(1, table.Removals(grain));
            Assert.Equal(0, table.Reads(grain));
        }
    }

    [Fact]
    public async Task The_client_hears_of_the_end_before_the_watchdog_goes_and_a_failed_removal_is_left_to_the_next_tick()
    {
        var table = new CountingReminderTable.Counts { HoldFirstRemoval = new TaskCompletionSource() };
        await using var silo = await StartAsync(table);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(await JobsKit.DeployAsync(silo, "quick")));
        var grain = silo.Grains.GetGrain<IJobGrain>(job.JobId).GetGrainId();
        var list = silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client);

        // The first removal is held: the client's list hears of the end all the same.
        await Cluster.MarketplaceTestCluster.WaitAsync(
            async () => (await list.ListAsync(JobStatus.Completed, null, 10)).Jobs.Exists(j => j.JobId == job.JobId),
            () => "the client's list did not hear of the end while the watchdog's removal was held");
        Assert.Equal(1, table.Removals(grain));
        Assert.NotNull(await table.Inner!.ReadRow(grain, JobGrain.WatchdogReminder));

        // The held removal then fails, as a reminder table that lost its database would: the job stays completed,
        // says so in its log, and the reminder's next tick removes the row.
        table.HoldFirstRemoval.SetException(new InvalidOperationException("the reminder table is unavailable"));
        await Cluster.MarketplaceTestCluster.WaitAsync(
            async () => await table.Inner!.ReadRow(grain, JobGrain.WatchdogReminder) is null,
            () => "the finished job's watchdog is still in the reminder table after its next tick");
        Assert.Equal(JobStatus.Completed, (await silo.Grains.WaitTerminalAsync(job.JobId)).Status);
        var logs = (await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetLogsAsync(JobsKit.Client, null, PageLimits.Max)).Logs;
        Assert.Single(logs, l => l.Message.Contains("watchdog reminder was not removed at the end", StringComparison.Ordinal));
        Assert.Equal(1, table.Upserts(grain));
        Assert.True(table.Removals(grain) >= 2);
    }

    /// <summary>A silo with one worker whose jobs register their watchdog at submit, on a counting reminder table.</summary>
    private static async Task<MarketplaceTestSilo> StartAsync(CountingReminderTable.Counts table)
    {
        var settings = new JobsSettings().Worker("w1", region: "local").Set("Marketplace:Jobs:WatchdogAfter", "00:00:00");
        var silo = await MarketplaceTestSilo.StartAsync(settings.Values,
            services => ReminderTableDecorator.Decorate(services, inner => new CountingReminderTable(inner, table)));
        try
        {
            await WorkerTests.WaitForWorkersAsync(silo, 1);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>A reminder table that counts, per grain, the rows written, read one by one and removed; it can refuse
    /// the first removal as a row whose tag changed is refused.</summary>
    private sealed class CountingReminderTable : IReminderTable
    {
        private readonly IReminderTable _inner;
        private readonly Counts _counts;

        public CountingReminderTable(IReminderTable inner, Counts counts)
        {
            _inner = inner;
            _counts = counts;
            counts.Inner = inner;
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken = default) => _inner.StopAsync(cancellationToken);

        public Task<ReminderTableData> ReadRows(GrainId grainId) => _inner.ReadRows(grainId);

        public Task<ReminderTableData> ReadRows(uint begin, uint end) => _inner.ReadRows(begin, end);

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
        {
            _counts.Count("read", grainId);
            return _inner.ReadRow(grainId, reminderName);
        }

        public Task<string?> UpsertRow(ReminderEntry entry)
        {
            _counts.Count("upsert", entry.GrainId);
            return _inner.UpsertRow(entry);
        }

        public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
        {
            var count = _counts.Count("remove", grainId);
            if (count == 1 && _counts.HoldFirstRemoval is { } hold)
            {
                await hold.Task; // throws what the test sets
            }

            return (count != 1 || !_counts.RefuseFirstRemoval) && await _inner.RemoveRow(grainId, reminderName, eTag);
        }

        public Task TestOnlyClearTable() => _inner.TestOnlyClearTable();

        public sealed class Counts
        {
            private readonly Dictionary<(string, GrainId), int> _counts = [];

            public bool RefuseFirstRemoval { get; init; }

            /// <summary>When set, the first removal waits for it and ends as it ends.</summary>
            public TaskCompletionSource? HoldFirstRemoval { get; init; }

            public IReminderTable? Inner { get; set; }

            public int Reads(GrainId grain) => Get("read", grain);

            public int Upserts(GrainId grain) => Get("upsert", grain);

            public int Removals(GrainId grain) => Get("remove", grain);

            public int Count(string operation, GrainId grain)
            {
                lock (_counts)
                {
                    var count = _counts.GetValueOrDefault((operation, grain)) + 1;
                    _counts[(operation, grain)] = count;
                    return count;
                }
            }

            private int Get(string operation, GrainId grain)
            {
                lock (_counts)
                {
                    return _counts.GetValueOrDefault((operation, grain));
                }
            }
        }
    }
}
