using Marketplace.Grains.Workers;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>The jobs waiting for room on a silo's workers are woken round robin across clients and, within one
/// client, oldest submit first, whatever order they were turned away in.</summary>
public sealed class WorkerWaitlistTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OneClientsJobsAreWokenInSubmitOrder()
    {
        var list = new WorkerWaitlist();
        list.Add("j3", "a", T0.AddSeconds(3));
        list.Add("j1", "a", T0.AddSeconds(1));
        list.Add("j2", "a", T0.AddSeconds(2));

        Assert.Equal(["j1", "j2", "j3"], Drain(list));
    }

    [Fact]
    public void AJobWokenInVainAndTurnedAwayAgainKeepsItsPlaceBeforeNewerJobs()
    {
        var list = new WorkerWaitlist();
        list.Add("j1", "a", T0.AddSeconds(1));
        list.Add("j2", "a", T0.AddSeconds(2));
        Assert.Equal("j1", list.TakeNext());

        // j1 lost the room to a newer job and is turned away again after j3 was.
        list.Add("j3", "a", T0.AddSeconds(3));
        list.Add("j1", "a", T0.AddSeconds(1));

        Assert.Equal(["j1", "j2", "j3"], Drain(list));
    }

    [Fact]
    public void ClientsTakeTurnsWhateverTheirBacklog()
    {
        var list = new WorkerWaitlist();
        for (var i = 0; i < 4; i++)
        {
            list.Add($"a{i}", "a", T0.AddSeconds(i));
        }

        list.Add("b0", "b", T0.AddSeconds(10));
        list.Add("c0", "c", T0.AddSeconds(11));
        list.Add("b1", "b", T0.AddSeconds(12));

        Assert.Equal(["a0", "b0", "c0", "a1", "b1", "a2", "a3"], Drain(list));
    }

    [Fact]
    public void AJobIsListedOnceHoweverOftenItIsTurnedAway()
    {
        var list = new WorkerWaitlist();
        list.Add("j1", "a", T0);
        list.Add("j1", "a", T0);
        list.Add("j1", "a", T0.AddSeconds(5));

        Assert.Equal(1, list.Count);
        Assert.Equal(["j1"], Drain(list));
        Assert.Equal(0, list.Count);
        Assert.Null(list.TakeNext());
    }

    private static List<string> Drain(WorkerWaitlist list)
    {
        var taken = new List<string>();
        while (list.TakeNext() is { } jobId)
        {
            taken.Add(jobId);
        }

        return taken;
    }
}
