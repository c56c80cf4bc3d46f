using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Committee;

/// <summary>Who a committee is drawn from: online, registered, not seated, and on another silo than the executor's
/// while any silo else has a candidate.</summary>
public sealed class CommitteeCandidatesTests
{
    private static readonly WorkerKeyRegistry Registry = new()
    {
        Epoch = 1,
        Workers = [.. new[] { "a1", "a2", "b1", "b2", "c1", "x9" }.Select(id => new RegisteredWorkerKey { WorkerId = id, PublicKey = [], ProofOfPossession = [] })],
    };

    private static OnlineWorkerHost Host(string id, params string[] workers) => new() { HostId = id, WorkerIds = workers };

    [Fact]
    public void WorkersOnOtherSilosAreTheCandidatesWhileThereAreAny()
    {
        OnlineWorkerHost[] online = [Host("silo-a", "a1", "a2"), Host("silo-b", "b1", "b2"), Host("silo-c", "c1")];
        Assert.Equal(["b1", "b2", "c1"], CommitteeCandidates.Select(Registry, online, ["a1"], "a1"));

        // Seated workers are not drawn again; with every other silo's worker seated, the executor's silo is next.
        Assert.Equal(["c1"], CommitteeCandidates.Select(Registry, online, ["a1", "b1", "b2"], "a1"));
        Assert.Equal(["a2"], CommitteeCandidates.Select(Registry, online, ["a1", "b1", "b2", "c1"], "a1"));
        Assert.Empty(CommitteeCandidates.Select(Registry, online, ["a1", "a2", "b1", "b2", "c1"], "a1"));
    }

    [Fact]
    public void OneSiloDrawsFromItsOwnWorkersAndOfflineOrUnregisteredOnesNever()
    {
        // One silo: its other workers; x9 is registered but offline, z1 online but without a registered key.
        Assert.Equal(["a2", "b1"], CommitteeCandidates.Select(Registry, [Host("only", "a1", "a2", "b1", "z1")], ["a1"], "a1"));

        // An executor no longer online: every online registered worker but it.
        Assert.Equal(["a2", "b1"], CommitteeCandidates.Select(Registry, [Host("only", "a2", "b1")], ["a1"], "a1"));
    }
}
