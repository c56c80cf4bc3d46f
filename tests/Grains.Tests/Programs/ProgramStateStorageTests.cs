using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Programs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>How a program's state is stored: a checkpoint of the whole state every few commits, each commit between as
/// a record of its own. What a restart reads back is exactly what was committed, the checkpoint is written only when
/// due, a record stored by an earlier version is read, and a second writer of a version is refused.</summary>
public sealed class ProgramStateStorageTests
{
    private static readonly Dictionary<string, string?> EveryFourCommits = new()
    {
        ["Marketplace:Programs:StateCheckpointCommits"] = "4",
    };

    [Fact]
    public async Task ARestartReadsTheCheckpointAndTheCommitsAfterItBack()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(EveryFourCommits);
        const string id = "prog-stored-commits";
        var state = silo.Grains.GetGrain<IProgramStateGrain>(id);
        var roots = new List<string> { (await state.GetSnapshotAsync()).Root };
        var created = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 23; i++)
        {
            // Overwrites, new keys, and a delete every fifth commit; every commit a job's.
            List<StateWrite> writes = i % 5 == 4 ? [Write("k" + (i - 1), null)] : [Write("k" + i, "v" + i), Write("shared", "s" + i)];
            var result = await state.CommitForJobAsync("job-" + i, created.AddSeconds(i), i, writes);
            Assert.True(result.Committed);
            roots.Add(result.Root);
        }

        var before = await state.GetSnapshotAsync();

        // The record is the checkpoint of version 21 (commits 1, 5, 9, 13, 17 and 21 wrote it); 22 and 23 are records
        // of their own.
        var record = await ReadRecordAsync(silo, id);
        Assert.Equal(21, record.Version);
        Assert.Equal(8, record.CommitSlots);

        await silo.RestartAsync();
        state = silo.Grains.GetGrain<IProgramStateGrain>(id);
        var after = await state.GetSnapshotAsync();
        Assert.Equal((before.Version, before.Root), (after.Version, after.Root));
        Assert.Equal(Describe(before), Describe(after));
        for (var v = 0; v < roots.Count; v++)
        {
            Assert.True(await state.KeepsRootAsync(roots[v]), $"version {v}");
        }

        // The fence came back with them: jobs committed before the checkpoint and after it commit nothing again.
        foreach (var job in new[] { "job-3", "job-21", "job-22" })
        {
            var again = await state.CommitForJobAsync(job, created, after.Version, [Write("k0", "again")]);
            Assert.False(again.Committed);
            Assert.True(again.CommittedEarlier > 0);
        }

        Assert.True((await state.CommitForJobAsync("job-new", created.AddHours(1), after.Version, [Write("k0", "new")])).Committed);
        Assert.Equal(24, (await state.GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task ARecordStoredByAnEarlierVersionIsReadAndItsNextCommitIsACheckpoint()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(EveryFourCommits);
        const string id = "prog-stored-before-commit-records";
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var old = new ProgramStateRecord
        {
            Version = 7,
            Entries = [new StateEntry { Key = Encoding.ASCII.GetBytes("a"), Value = Encoding.ASCII.GetBytes("1") }],
        };
        await storage.WriteStateAsync("program-state", silo.Grains.GetGrain<IProgramStateGrain>(id).GetGrainId(), new GrainState<ProgramStateRecord>(old));

        var state = silo.Grains.GetGrain<IProgramStateGrain>(id);
        var snapshot = await state.GetSnapshotAsync();
        Assert.Equal(7, snapshot.Version);
        Assert.Equal("a=1", Describe(snapshot));
        Assert.True((await state.CommitAsync(7, [Write("b", "2")])).Committed);
        var record = await ReadRecordAsync(silo, id);
        Assert.Equal((8L, 8), (record.Version, record.CommitSlots));
        Assert.Equal(2, record.Entries.Count);
    }

    [Fact]
    public async Task AVersionAnotherWriterStoredFirstIsNotOverwritten()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(EveryFourCommits);
        const string id = "prog-stored-twice";
        var state = silo.Grains.GetGrain<IProgramStateGrain>(id);
        Assert.True((await state.CommitAsync(0, [Write("a", "1")])).Committed); // version 1: a checkpoint
        Assert.True((await state.CommitAsync(1, [Write("a", "2")])).Committed); // version 2: a record

        // Another activation (as after a split of the cluster) stores version 3 in its slot first.
        var records = new GrainSideRecords<StateCommitRecord>(
            silo.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME), "program-state-commit", "program-state-commit");
        var snapshot = await state.GetSnapshotAsync();
        await records.WriteAsync($"{id}/3", new StateCommitRecord
        {
            Version = 3,
            Writes = [Write("a", "theirs")],
            Undo = new StateUndo { Version = 2, Root = snapshot.Root, Previous = [Write("a", "2")], Bytes = 2 },
        });

        await Assert.ThrowsAsync<InconsistentStateException>(() => state.CommitAsync(2, [Write("a", "mine")]));

        // The refused activation is gone; the next one reads the version the other writer stored.
        var reread = await silo.Grains.GetGrain<IProgramStateGrain>(id).GetSnapshotAsync();
        Assert.Equal((3L, "a=theirs"), (reread.Version, Describe(reread)));
    }

    private static async Task<ProgramStateRecord> ReadRecordAsync(MarketplaceTestSilo silo, string id)
    {
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var state = new GrainState<ProgramStateRecord>();
        await storage.ReadStateAsync("program-state", silo.Grains.GetGrain<IProgramStateGrain>(id).GetGrainId(), state);
        Assert.True(state.RecordExists);
        return state.State ?? throw new InvalidOperationException("no record");
    }

    private static StateWrite Write(string key, string? value) =>
        new() { Key = Encoding.ASCII.GetBytes(key), Value = value is null ? null : Encoding.ASCII.GetBytes(value) };

    private static string Describe(StateSnapshot snapshot) =>
        string.Join(",", snapshot.Entries.Select(e => Encoding.ASCII.GetString(e.Key) + "=" + Encoding.ASCII.GetString(e.Value)));
}
