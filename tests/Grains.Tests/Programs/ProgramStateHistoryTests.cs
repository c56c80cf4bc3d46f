using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Programs;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>Past versions of a program's state, kept as undo records of the last commits: readable by root, bounded,
/// durable, and what a pinned re-execution runs against without committing.</summary>
public sealed class ProgramStateHistoryTests(ProgramsSiloFixture fixture) : IClassFixture<ProgramsSiloFixture>
{
    [Fact]
    public async Task EveryKeptVersionIsReadableByItsRootWithItsExactEntries()
    {
        var state = fixture.Grains.GetGrain<IProgramStateGrain>("prog-history-" + Guid.NewGuid().ToString("N"));
        var snapshots = new List<StateSnapshot> { await state.GetSnapshotAsync() };
        // Sets, overwrites, deletes, a key written twice in one commit, a delete of a key that never existed.
        List<StateWrite>[] commits =
        [
            [Write("a", "1"), Write("b", "2")],
            [Write("a", "3"), Write("c", "4")],
            [Write("b", null), Write("zz", null)],
            [Write("c", "5"), Write("c", "6"), Write("d", "7")],
        ];
        foreach (var writes in commits)
        {
            Assert.True((await state.CommitAsync(snapshots[^1].Version, writes)).Committed);
            snapshots.Add(await state.GetSnapshotAsync());
        }

        foreach (var expected in snapshots)
        {
            Assert.True(await state.KeepsRootAsync(expected.Root));
            var past = await state.GetSnapshotAtRootAsync(expected.Root);
            Assert.NotNull(past);
            Assert.Equal(expected.Version, past.Version);
            Assert.Equal(expected.Root, past.Root);
            Assert.Equal(Describe(expected), Describe(past));
        }

        Assert.Null(await state.GetSnapshotAtRootAsync(new string('0', 64)));
        Assert.False(await state.KeepsRootAsync(new string('0', 64)));
    }

    [Fact]
    public async Task APinnedReExecutionReadsThePastStateAndCommitsNothing()
    {
        var program = await fixture.DeployFreshAsync("state");
        var state = fixture.Grains.GetGrain<IProgramStateGrain>(program.Id);
        var first = await fixture.RunAsync(program, Op('C', "", BitConverter.GetBytes(0)));
        Assert.Equal(1L, BitConverter.ToInt64(first.Output.Span));
        var before = first.Provenance!.StateRootIn;
        var second = await fixture.RunAsync(program, Op('C', "", BitConverter.GetBytes(0)));
        Assert.Equal(2L, BitConverter.ToInt64(second.Output.Span));

        // Re-running the first run against the state it read gives its output and root, and the state stays put.
        var again = await fixture.Runner.RunAsync(Request(program, Op('C', "", BitConverter.GetBytes(0)), before), CancellationToken.None);
        Assert.Equal(ProgramRunOutcome.Succeeded, again.Outcome);
        Assert.Equal(1L, BitConverter.ToInt64(again.Output.Span));
        Assert.Equal(first.StateRoot, again.StateRoot);
        Assert.Equal(before, again.Provenance!.StateRootIn);
        var snapshot = await state.GetSnapshotAsync();
        Assert.Equal((2L, second.StateRoot), (snapshot.Version, snapshot.Root));

        var gone = await fixture.Runner.RunAsync(Request(program, Op('C', "", BitConverter.GetBytes(0)), new string('a', 64)), CancellationToken.None);
        Assert.Equal(ProgramRunOutcome.StateUnavailable, gone.Outcome);
        Assert.Contains("no longer kept", gone.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await state.GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task HistoryIsBoundedByCountAndBytes()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Programs:StateHistoryCommits"] = "3",
            ["Marketplace:Programs:StateHistoryAge"] = "00:00:00",
            ["Marketplace:Programs:StateHistoryBytes"] = "100",
        });
        var state = silo.Grains.GetGrain<IProgramStateGrain>("prog-bounded");
        var roots = new List<string> { (await state.GetSnapshotAsync()).Root };
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await state.CommitAsync(i, [Write("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture))])).Committed);
            roots.Add((await state.GetSnapshotAsync()).Root);
        }

        // Five commits, three undo records kept: versions 2 to 5 readable, 0 and 1 not.
        var kept = await KeptAsync(state, roots);
        Assert.Equal(new[] { false, false, true, true, true, true }, kept);

        // Undo records that hold more previous bytes than the budget: only the newest stays (63 bytes; two are 126).
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await state.CommitAsync(5 + i, [Write("big", new string((char)('x' + i), 60))])).Committed);
            roots.Add((await state.GetSnapshotAsync()).Root);
        }

        kept = await KeptAsync(state, roots);
        Assert.Equal(new[] { false, false, false, false, false, false, false, true, true }, kept);
    }

    [Fact]
    public async Task VersionsYoungerThanTheHistoryAgeStayReadableBeyondTheCountThenAgeOut()
    {
        // A job retried minutes after its silo died finds the state its first attempt read, however many commits
        // came between (here 10 against a count of 3); once older than the age, the count holds again.
        var time = new ManualClock(new DateTimeOffset(2026, 11, 26, 4, 0, 0, TimeSpan.Zero));
        await using var silo = await MarketplaceTestSilo.StartAsync(
            new Dictionary<string, string?>
            {
                ["Marketplace:Programs:StateHistoryCommits"] = "3",
                ["Marketplace:Programs:StateHistoryAge"] = "00:15:00",
            },
            services => services.AddSingleton(new ProgramStateClock(time)));
        var state = silo.Grains.GetGrain<IProgramStateGrain>("prog-young-history");
        var roots = new List<string> { (await state.GetSnapshotAsync()).Root };
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await state.CommitAsync(i, [Write("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture))])).Committed);
            roots.Add((await state.GetSnapshotAsync()).Root);
            time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.All(await KeptAsync(state, roots), Assert.True);

        // Sixteen minutes on, one more commit: the ten old ones are past the age, so only the count keeps three.
        time.Advance(TimeSpan.FromMinutes(16));
        Assert.True((await state.CommitAsync(10, [Write("k", "10")])).Committed);
        roots.Add((await state.GetSnapshotAsync()).Root);
        var kept = await KeptAsync(state, roots);
        Assert.Equal([.. Enumerable.Repeat(false, 8), true, true, true, true], kept);
    }

    [Fact]
    public async Task HistorySurvivesARestart()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var state = silo.Grains.GetGrain<IProgramStateGrain>("prog-durable-history");
        var empty = (await state.GetSnapshotAsync()).Root;
        Assert.True((await state.CommitAsync(0, [Write("a", "1")])).Committed);
        Assert.True((await state.CommitAsync(1, [Write("a", "2")])).Committed);

        await silo.RestartAsync();
        var past = await silo.Grains.GetGrain<IProgramStateGrain>("prog-durable-history").GetSnapshotAtRootAsync(empty);
        Assert.NotNull(past);
        Assert.Equal((0L, 0), (past.Version, past.Entries.Count));
    }

    private static async Task<bool[]> KeptAsync(IProgramStateGrain state, List<string> roots)
    {
        var kept = new bool[roots.Count];
        for (var i = 0; i < roots.Count; i++)
        {
            kept[i] = await state.KeepsRootAsync(roots[i]);
        }

        return kept;
    }

    private static ProgramRunRequest Request(ProgramInfo program, byte[] input, string stateRoot) => new()
    {
        ProgramId = program.Id,
        Input = input,
        MaxFuel = 50_000_000,
        MaxMemoryBytes = 64L * 1024 * 1024,
        Timeout = TimeSpan.FromSeconds(30),
        StateRoot = stateRoot,
    };

    private static StateWrite Write(string key, string? value) =>
        new() { Key = Encoding.ASCII.GetBytes(key), Value = value is null ? null : Encoding.ASCII.GetBytes(value) };

    private static string Describe(StateSnapshot snapshot) =>
        string.Join(";", snapshot.Entries.Select(e => Encoding.ASCII.GetString(e.Key) + "=" + Encoding.ASCII.GetString(e.Value)));

    internal static byte[] Op(char op, string key, byte[] rest) => [(byte)op, (byte)key.Length, .. Encoding.ASCII.GetBytes(key), .. rest];
}
