using Marketplace.Persistence.PostgreSql.Tests.Grains;
using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

// The stored queries a running cluster seldom reaches (ring ranges that wrap, deletes, defunct-silo cleanup, clear
// and delete-on-clear), driven through Orleans' own provider objects resolved from a running silo.
public sealed partial class PostgreSqlClusterTests
{
    [PostgresFact]
    public async Task ReminderTableReadsRingRangesIncludingOnesThatWrap()
    {
        var table = fixture.Silos[0].Services.GetRequiredService<IReminderTable>();
        const string Name = "range";
        var grains = Enumerable.Range(0, 16).Select(i => GrainId.Create("probe", $"range-{i}")).ToList();
        foreach (var grain in grains)
        {
            // Due in an hour: the reminder service must not fire these while the test reads them.
            await table.UpsertRow(new ReminderEntry
            {
                GrainId = grain,
                ReminderName = Name,
                StartAt = DateTime.UtcNow.AddHours(1),
                Period = TimeSpan.FromHours(1),
            });
        }

        try
        {
            var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
            var seed = Environment.TickCount;
            var random = new Random(seed);
            var ranges = new List<(uint Begin, uint End)>
            {
                (hashes[3], hashes[9]), (hashes[9], hashes[3]), (0, 0), (0x7FFFFFF0, 0x80000010), (0xFFFFFFF0, 0x10),
            };
            ranges.AddRange(Enumerable.Range(0, 8).Select(_ => ((uint)random.NextInt64(0, 1L << 32), (uint)random.NextInt64(0, 1L << 32))));

            foreach (var (begin, end) in ranges)
            {
                // The ring range (begin, end], wrapping past uint.MaxValue when begin >= end.
                var expected = grains
                    .Where(g => begin < end
                        ? g.GetUniformHashCode() > begin && g.GetUniformHashCode() <= end
                        : g.GetUniformHashCode() > begin || g.GetUniformHashCode() <= end)
                    .Select(g => g.ToString()).Order();
                var read = (await table.ReadRows(begin, end)).Reminders
                    .Where(r => r.ReminderName == Name).Select(r => r.GrainId.ToString()).Order();
                Assert.True(expected.SequenceEqual(read), $"range ({begin:x8}, {end:x8}] differs (seed {seed})");
            }
        }
        finally
        {
            foreach (var grain in grains)
            {
                var row = await table.ReadRow(grain, Name);
                Assert.True(await table.RemoveRow(grain, Name, row!.ETag!));
            }
        }
    }

    [PostgresFact]
    public async Task ReminderRowsAreVersionedAndRemovedOnlyWithTheCurrentEtag()
    {
        var table = fixture.Silos[0].Services.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create("probe", "versioned-reminder");
        var entry = new ReminderEntry
        {
            GrainId = grain,
            ReminderName = "versioned",
            StartAt = DateTime.UtcNow.AddHours(1),
            Period = TimeSpan.FromMinutes(90),
        };

        var first = await table.UpsertRow(entry);
        var second = await table.UpsertRow(entry);
        var row = await table.ReadRow(grain, "versioned");

        Assert.NotEqual(first, second);
        Assert.Equal(second, row!.ETag);
        Assert.Equal(TimeSpan.FromMinutes(90), row.Period);
        Assert.Single((await table.ReadRows(grain)).Reminders);
        Assert.False(await table.RemoveRow(grain, "versioned", first!));
        Assert.True(await table.RemoveRow(grain, "versioned", second!));
        Assert.Null(await table.ReadRow(grain, "versioned"));
    }

    [PostgresFact]
    public async Task MembershipTableDeletesAClusterAndCleansUpDefunctSilos()
    {
        var table = fixture.Silos[0].Services.GetRequiredService<IMembershipTable>();
        var other = "other-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Database.ExecuteAsync($"""
            INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES ('{other}');
            INSERT INTO OrleansMembershipTable VALUES
                ('{other}', '127.0.0.9', 1, 1, 's', 'h', 3, 0, NULL, now(), now()),
                ('{fixture.Cluster.ClusterId}', '127.0.0.9', 2, 1, 'gone', 'h', 6, 0, NULL, now() - interval '1 hour', now() - interval '1 hour');
            """);

        await table.DeleteMembershipTableEntriesAsync(other);
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
            $"SELECT (SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{other}') + (SELECT count(*) FROM OrleansMembershipVersionTable WHERE DeploymentId = '{other}')"));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{fixture.Cluster.ClusterId}' AND Address = '127.0.0.9'"));
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{fixture.Cluster.ClusterId}' AND Status = 3"));
    }

    [PostgresFact]
    public async Task ClearedStateReadsAsAbsentAndCanBeWrittenAgain()
    {
        var storage = fixture.Silos[0].Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var grainId = GrainId.Create("probe", "cleared");
        var state = new GrainState<ProbeState>(new ProbeState { Count = 5 });
        await storage.WriteStateAsync("probe", grainId, state);
        var written = state.ETag;

        await storage.ClearStateAsync("probe", grainId, state);
        var read = new GrainState<ProbeState>();
        await storage.ReadStateAsync("probe", grainId, read);

        Assert.NotEqual(written, state.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        read.State = new ProbeState { Count = 6 };
        await storage.WriteStateAsync("probe", grainId, read);
        Assert.True(read.RecordExists);
    }

    [PostgresFact]
    public async Task DeleteOnClearRemovesTheRow()
    {
        var storage = fixture.Silos[0].Services.GetRequiredKeyedService<IGrainStorage>(TestSilo.DeleteOnClearStorage);
        var grainId = GrainId.Create("probe", "deleted-on-clear");
        var state = new GrainState<ProbeState>(new ProbeState { Count = 7 });
        await storage.WriteStateAsync("probe", grainId, state);
        var stale = new GrainState<ProbeState>(new ProbeState()) { ETag = state.ETag, RecordExists = true };
        await storage.WriteStateAsync("probe", grainId, state);

        const string Rows = "SELECT count(*) FROM OrleansStorage WHERE grainidextensionstring = 'deleted-on-clear'";

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("probe", grainId, stale));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(Rows));
        await storage.ClearStateAsync("probe", grainId, state);

        Assert.Null(state.ETag);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(Rows));
        var fresh = new GrainState<ProbeState>(new ProbeState { Count = 8 });
        await storage.WriteStateAsync("probe", grainId, fresh);
        Assert.Equal("1", fresh.ETag);
    }
}
