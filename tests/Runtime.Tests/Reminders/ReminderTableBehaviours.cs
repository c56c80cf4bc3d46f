// The reminder table conformance suite: every IReminderTable implementation runs the same behaviours.
using Marketplace.Runtime.Reminders;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Reminders;

public abstract class ReminderTableBehaviours
{
    private static readonly Dictionary<string, Func<ReminderTableBehaviours, Task>> Behaviours = new()
    {
        ["ReadOfMissingRow"] = b => b.ReadOfMissingRow(),
        ["UpsertThenReadRoundTrip"] = b => b.UpsertThenReadRoundTrip(),
        ["UpsertReplacesAndChangesETag"] = b => b.UpsertReplacesAndChangesETag(),
        ["RemoveNeedsTheCurrentETag"] = b => b.RemoveNeedsTheCurrentETag(),
        ["RowsOfOneGrain"] = b => b.RowsOfOneGrain(),
        ["RangeReadsMatchTheRing"] = b => b.RangeReadsMatchTheRing(),
        ["RangeEdgesAreExclusiveBeginInclusiveEnd"] = b => b.RangeEdgesAreExclusiveBeginInclusiveEnd(),
        ["TimesKeepMillisecondPrecision"] = b => b.TimesKeepMillisecondPrecision(),
        ["BadInputIsRejected"] = b => b.BadInputIsRejected(),
        ["ConcurrentUpsertsGetDistinctETags"] = b => b.ConcurrentUpsertsGetDistinctETags(),
    };

    protected ReminderTableBehaviours(ITestOutputHelper output) => Output = output;

    public static TheoryData<string> Cases => new(Behaviours.Keys);

    protected ITestOutputHelper Output { get; }

    /// <summary>A fresh, empty table, isolated from other tests (own file or own service id), already initialised.</summary>
    protected abstract Task<IReminderTable> CreateTableAsync();

    protected Task RunBehaviourAsync(string name) => Behaviours[name](this);

    private static GrainId NewGrain() => new("timer", Guid.NewGuid().ToString("N"));

    private static ReminderEntry Entry(GrainId grain, string name, int minutes = 1) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = new DateTime(2026, 11, 22, 3, 0, 0, 123, DateTimeKind.Utc),
        Period = TimeSpan.FromMinutes(minutes),
    };

    private async Task ReadOfMissingRow()
    {
        var table = await CreateTableAsync();
        Assert.Null(await table.ReadRowAsync(NewGrain(), "nothing"));
        Assert.Empty(await table.ReadRowsAsync(NewGrain()));
        Assert.Empty(await table.ReadRowsAsync(0u, 0u));
    }

    private async Task UpsertThenReadRoundTrip()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        var eTag = await table.UpsertRowAsync(Entry(grain, "tick", 5));
        var row = await table.ReadRowAsync(grain, "tick");
        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("tick", row.ReminderName);
        Assert.Equal(new DateTime(2026, 11, 22, 3, 0, 0, 123, DateTimeKind.Utc), row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), row.Period);
        Assert.Equal(eTag, row.ETag);
    }

    private async Task UpsertReplacesAndChangesETag()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        var first = await table.UpsertRowAsync(Entry(grain, "tick", 1));
        var second = await table.UpsertRowAsync(Entry(grain, "tick", 7));
        Assert.NotEqual(first, second);
        var rows = await table.ReadRowsAsync(grain);
        var row = Assert.Single(rows);
        Assert.Equal(TimeSpan.FromMinutes(7), row.Period);
        Assert.Equal(second, row.ETag);
    }

    private async Task RemoveNeedsTheCurrentETag()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        var old = await table.UpsertRowAsync(Entry(grain, "tick"));
        var current = await table.UpsertRowAsync(Entry(grain, "tick"));
        Assert.False(await table.RemoveRowAsync(grain, "tick", old));
        Assert.False(await table.RemoveRowAsync(grain, "tick", "garbage"));
        Assert.NotNull(await table.ReadRowAsync(grain, "tick"));
        Assert.True(await table.RemoveRowAsync(grain, "tick", current));
        Assert.Null(await table.ReadRowAsync(grain, "tick"));
        Assert.False(await table.RemoveRowAsync(grain, "tick", current));
    }

    private async Task RowsOfOneGrain()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        var other = NewGrain();
        await table.UpsertRowAsync(Entry(grain, "a"));
        await table.UpsertRowAsync(Entry(grain, "b"));
        await table.UpsertRowAsync(Entry(other, "a"));
        var names = (await table.ReadRowsAsync(grain)).Select(r => r.ReminderName).Order().ToArray();
        Assert.Equal(["a", "b"], names);
    }

    private async Task RangeReadsMatchTheRing()
    {
        var seed = Environment.TickCount;
        Output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var table = await CreateTableAsync();
        var grains = new List<GrainId>();
        for (var i = 0; i < 40; i++)
        {
            var grain = new GrainId("ring", random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + i);
            grains.Add(grain);
            await table.UpsertRowAsync(Entry(grain, "r"));
        }

        var all = await table.ReadRowsAsync(12345u, 12345u);
        Assert.Equal(grains.Count, all.Count);

        // Split the ring into random arcs, including ones that wrap past zero; every row lands in exactly one arc.
        for (var round = 0; round < 5; round++)
        {
            var cuts = Enumerable.Range(0, 4).Select(_ => (uint)random.NextInt64(0, 1L << 32)).Distinct().Order().ToArray();
            var seen = new List<GrainId>();
            for (var i = 0; i < cuts.Length; i++)
            {
                var begin = cuts[i];
                var end = cuts[(i + 1) % cuts.Length];
                var rows = await table.ReadRowsAsync(begin, end);
                var expected = grains.Where(g => InArc(g.GetUniformHashCode(), begin, end)).Order(Comparer<GrainId>.Create((x, y) => string.CompareOrdinal(x.Key, y.Key)));
                Assert.Equal(expected.Select(g => g.Key), rows.Select(r => r.GrainId.Key).Order(StringComparer.Ordinal));
                seen.AddRange(rows.Select(r => r.GrainId));
            }

            Assert.Equal(grains.Count, seen.Count);
            Assert.Equal(grains.Count, seen.Distinct().Count());
        }
    }

    private async Task RangeEdgesAreExclusiveBeginInclusiveEnd()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        var hash = grain.GetUniformHashCode();
        await table.UpsertRowAsync(Entry(grain, "edge"));
        Assert.Single(await table.ReadRowsAsync(hash - 1, hash));
        Assert.Empty(await table.ReadRowsAsync(hash, hash + 1));
        Assert.Single(await table.ReadRowsAsync(hash - 1, hash - 2));   // wraps: everything except (hash-2, hash-1]
        Assert.Empty(await table.ReadRowsAsync(hash, hash - 1));        // wraps: everything except (hash-1, hash]
        Assert.Single(await table.ReadRowsAsync(uint.MaxValue, hash));  // wraps at the top of the ring
        Assert.Single(await table.ReadRowsAsync(hash, hash));           // whole ring
    }

    private async Task TimesKeepMillisecondPrecision()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        var start = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_239_999);
        await table.UpsertRowAsync(new ReminderEntry
        {
            GrainId = grain,
            ReminderName = "precise",
            StartAt = start,
            Period = TimeSpan.FromMilliseconds(90_000.7),
        });
        var row = await table.ReadRowAsync(grain, "precise");
        Assert.NotNull(row);
        Assert.Equal(new DateTime(2030, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc), row.StartAt);
        Assert.Equal(TimeSpan.FromMilliseconds(90_000), row.Period);
    }

    private async Task BadInputIsRejected()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertRowAsync(new ReminderEntry
        {
            GrainId = grain,
            ReminderName = "negative",
            StartAt = DateTime.UtcNow,
            Period = TimeSpan.FromSeconds(-1),
        }));
        await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertRowAsync(Entry(grain, new string('n', 151))));
        await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertRowAsync(Entry(new GrainId("t", new string('k', 600)), "x")));
        await Assert.ThrowsAsync<ArgumentException>(() => table.ReadRowAsync(default, "x"));
    }

    private async Task ConcurrentUpsertsGetDistinctETags()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upserts = Enumerable.Range(1, 8).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await table.UpsertRowAsync(Entry(grain, "shared", i));
        })).ToArray();
        start.SetResult();
        var eTags = await Task.WhenAll(upserts);
        Assert.Equal(8, eTags.Distinct().Count());

        // The row holds the last upsert: its ETag is the one that was issued last.
        var row = await table.ReadRowAsync(grain, "shared");
        Assert.NotNull(row);
        var winner = Array.IndexOf(eTags, row.ETag);
        Assert.True(winner >= 0, $"row ETag {row.ETag} was never returned by an upsert");
        Assert.Equal(TimeSpan.FromMinutes(winner + 1), row.Period);
    }

    private static bool InArc(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
