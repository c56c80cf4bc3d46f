using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>The changes between two kept versions of a program's state: applied to a view of one version they give
/// exactly the other, forward and back, and a runner moves its cached view by them instead of reading the whole
/// state again.</summary>
public sealed class ProgramStateChangesTests(ProgramsSiloFixture fixture, ITestOutputHelper output) : IClassFixture<ProgramsSiloFixture>
{
    [Fact]
    public async Task ChangesBetweenAnyTwoKeptVersionsTurnOneViewIntoTheOther()
    {
        const int seed = 2511;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var state = fixture.Grains.GetGrain<IProgramStateGrain>("prog-changes-" + Guid.NewGuid().ToString("N"));
        var snapshots = new List<StateSnapshot> { await state.GetSnapshotAsync() };
        for (var commit = 0; commit < 24; commit++)
        {
            // Puts of new and existing keys, empty values, deletes of present and absent keys, a key twice in one commit.
            var writes = new List<StateWrite>();
            for (var w = random.Next(1, 5); w > 0; w--)
            {
                var key = "k" + random.Next(0, 12).ToString(System.Globalization.CultureInfo.InvariantCulture);
                writes.Add(random.Next(0, 4) switch
                {
                    0 => Write(key, null),
                    1 => Write(key, ""),
                    _ => Write(key, random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                });
            }

            Assert.True((await state.CommitAsync(snapshots[^1].Version, writes)).Committed);
            snapshots.Add(await state.GetSnapshotAsync());
        }

        foreach (var from in snapshots)
        {
            var view = StateView.FromSnapshot(from);
            foreach (var to in snapshots)
            {
                var changes = await state.GetChangesAsync(from.Version, from.Root, to == snapshots[^1] ? null : to.Root);
                Assert.NotNull(changes);
                // A commit that changes nothing repeats a root: any version with that root is the same state.
                Assert.Equal((from.Version, to.Root), (changes.FromVersion, changes.Root));
                Assert.Contains(snapshots, s => s.Version == changes.Version && s.Root == to.Root);
                var moved = view.Apply(changes.Writes, changes.Version);
                Assert.Equal(to.Root, moved.Root);
                Assert.Equal(Describe(to.Entries), Describe(moved));
            }
        }
    }

    [Fact]
    public async Task EndsThatAreNotKeptGiveNoChanges()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Programs:StateHistoryCommits"] = "2",
            ["Marketplace:Programs:StateHistoryAge"] = "00:00:00",
        });
        var state = silo.Grains.GetGrain<IProgramStateGrain>("prog-changes-bounded");
        var roots = new List<string> { (await state.GetSnapshotAsync()).Root };
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await state.CommitAsync(i, [Write("k" + i, "v")])).Committed);
            roots.Add((await state.GetSnapshotAsync()).Root);
        }

        // Versions 2 to 4 are kept; 0 and 1 are not, as start or as end.
        Assert.NotNull(await state.GetChangesAsync(2, roots[2], null));
        Assert.NotNull(await state.GetChangesAsync(4, roots[4], roots[2]));
        Assert.Null(await state.GetChangesAsync(1, roots[1], null));
        Assert.Null(await state.GetChangesAsync(4, roots[4], roots[1]));

        // A start whose root is not the state's root at that version (a view of a state since wiped and rebuilt), a
        // version the state never reached, an unknown root.
        Assert.Null(await state.GetChangesAsync(3, roots[2], null));
        Assert.Null(await state.GetChangesAsync(9, roots[4], null));
        Assert.Null(await state.GetChangesAsync(4, roots[4], new string('0', 64)));

        // The same version at both ends: no writes.
        var none = await state.GetChangesAsync(4, roots[4], null);
        Assert.NotNull(none);
        Assert.Empty(none.Writes);
    }

    [Fact]
    public void ApplyingWritesGivesTheViewASnapshotOfTheResultWouldGive()
    {
        const int seed = 7;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var values = new SortedDictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        var view = StateView.Empty;
        for (var step = 0; step < 200; step++)
        {
            var writes = new List<StateWrite>();
            for (var w = random.Next(1, 6); w > 0; w--)
            {
                var key = new byte[random.Next(1, 3)];
                random.NextBytes(key);
                var write = random.Next(0, 3) == 0 ? new StateWrite { Key = key } : new StateWrite { Key = key, Value = [(byte)random.Next(256)] };
                writes.Add(write);
                if (write.Value is null)
                {
                    values.Remove(key);
                }
                else
                {
                    values[key] = write.Value;
                }
            }

            view = view.Apply(writes, step + 1);
            var expected = StateView.FromSnapshot(new StateSnapshot
            {
                Version = step + 1,
                Entries = [.. values.Select(e => new StateEntry { Key = e.Key, Value = e.Value })],
            });
            Assert.Equal(expected.Root, view.Root);
            Assert.Equal(expected.SortedKeys.Select(Convert.ToHexString), view.SortedKeys.Select(Convert.ToHexString));
            Assert.Equal(expected.Values.Count, view.Values.Count);
        }
    }

    [Fact]
    public async Task ARunnerMovesItsCachedViewByTheChangesAndReadsTheWholeStateOnce()
    {
        var program = await fixture.DeployFreshAsync("state");
        var state = fixture.Grains.GetGrain<IProgramStateGrain>(program.Id);
        var calls = fixture.Silo.Services.GetRequiredService<StateReadCounter>();
        calls.Watch(program.Id);
        int whole = 0, past = 0, changes = 0;
        async Task<ProgramRunResult> Counted(Func<Task<ProgramRunResult>> run)
        {
            var (w, p, c) = (calls.WholeReads, calls.PastReads, calls.Changes);
            var result = await run();
            (whole, past, changes) = (whole + calls.WholeReads - w, past + calls.PastReads - p, changes + calls.Changes - c);
            return result;
        }

        var roots = new List<string>();
        var expectedIn = (await state.GetSnapshotAsync()).Root;
        for (var i = 1; i <= 5; i++)
        {
            var run = await Counted(() => fixture.RunAsync(program, ProgramStateHistoryTests.Op('C', "", BitConverter.GetBytes(0))));
            Assert.Equal(ProgramRunOutcome.Succeeded, run.Outcome);
            Assert.Equal((long)i, BitConverter.ToInt64(run.Output.Span));
            Assert.Equal(expectedIn, run.Provenance!.StateRootIn);
            roots.Add(run.Provenance.StateRootIn);

            // Another writer moves the state between runs: the next run starts from its write.
            var snapshot = await state.GetSnapshotAsync();
            Assert.Equal(run.StateRoot, snapshot.Root);
            var other = await state.CommitAsync(snapshot.Version, [Write("other-" + i, "x")]);
            Assert.True(other.Committed);
            expectedIn = other.Root;
        }

        // A re-execution pinned to the first run's root moves the view back and reproduces the run.
        var again = await Counted(() => fixture.Runner.RunAsync(new ProgramRunRequest
        {
            ProgramId = program.Id,
            Input = ProgramStateHistoryTests.Op('C', "", BitConverter.GetBytes(0)),
            MaxFuel = 50_000_000,
            MaxMemoryBytes = 64L * 1024 * 1024,
            Timeout = TimeSpan.FromSeconds(30),
            StateRoot = roots[0],
        }, CancellationToken.None));
        Assert.Equal(ProgramRunOutcome.Succeeded, again.Outcome);
        Assert.Equal(1L, BitConverter.ToInt64(again.Output.Span));

        // The first run read the whole state (nothing cached); every later read was a change list.
        Assert.Equal((1, 0, 5), (whole, past, changes));
    }

    private static StateWrite Write(string key, string? value) =>
        new() { Key = Encoding.ASCII.GetBytes(key), Value = value is null ? null : Encoding.ASCII.GetBytes(value) };

    private static string Describe(List<StateEntry> entries) =>
        string.Join(",", entries.Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)));

    private static string Describe(StateView view) =>
        string.Join(",", view.SortedKeys.Select(k => Convert.ToHexString(k) + "=" + Convert.ToHexString(view.Values[k])));
}
