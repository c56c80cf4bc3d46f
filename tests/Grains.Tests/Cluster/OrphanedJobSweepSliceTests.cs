using System.Collections.Immutable;
using System.Net;
using Marketplace.Grains.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>How the survivors split the reminder ring among themselves after a silo died.</summary>
public sealed class OrphanedJobSweepSliceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void TheActiveSilosSlicesCoverEveryHashExactlyOnce(int silos)
    {
        var members = Enumerable.Range(0, silos).Select(i => Silo(i, SiloStatus.Active)).Append(Silo(99, SiloStatus.Dead)).ToList();
        var snapshot = Snapshot(members);
        var slices = members.Where(m => m.Status == SiloStatus.Active).Select(m => OrphanedJobSweep.Slice(snapshot, m.SiloAddress)!.Value).ToList();
        Assert.Null(OrphanedJobSweep.Slice(snapshot, Silo(99, SiloStatus.Dead).SiloAddress));

        // Hashes at every slice edge, one past it, the ring's ends and a seeded spread between.
        var seed = 20261125;
        var random = new Random(seed);
        var hashes = new List<uint> { 0, 1, uint.MaxValue, uint.MaxValue - 1, 1u << 31 };
        foreach (var (begin, end) in slices)
        {
            hashes.AddRange([begin, unchecked(begin + 1), end, unchecked(end + 1)]);
        }

        for (var i = 0; i < 1000; i++)
        {
            hashes.Add((uint)random.NextInt64(0, 1L << 32));
        }

        foreach (var hash in hashes)
        {
            var owners = slices.Count(s => Contains(s, hash));
            Assert.True(owners == 1, $"hash {hash} is in {owners} slices of {silos} silos (seed {seed})");
        }
    }

    [Fact]
    public void ASiloThatWentFromAliveToDeadIsReportedOnceItIsDead()
    {
        var before = Snapshot([Silo(0, SiloStatus.Active), Silo(1, SiloStatus.Active), Silo(2, SiloStatus.Dead)]);
        Assert.Null(OrphanedJobSweep.Died(before, before));
        var stopping = Snapshot([Silo(0, SiloStatus.Active), Silo(1, SiloStatus.ShuttingDown), Silo(2, SiloStatus.Dead)]);
        Assert.Null(OrphanedJobSweep.Died(before, stopping));
        var after = Snapshot([Silo(0, SiloStatus.Active), Silo(1, SiloStatus.Dead), Silo(2, SiloStatus.Dead)]);
        Assert.Equal(Silo(1, SiloStatus.Dead).SiloAddress, OrphanedJobSweep.Died(stopping, after));
    }

    /// <summary>(begin, end] as the reminder table reads it: begin ≥ end wraps past the top.</summary>
    private static bool Contains((uint Begin, uint End) slice, uint hash) =>
        slice.Begin < slice.End ? hash > slice.Begin && hash <= slice.End : hash > slice.Begin || hash <= slice.End;

    private static ClusterMember Silo(int index, SiloStatus status) =>
        new(SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0." + (index + 1)), 11111), 1), status, "silo" + index);

    private static ClusterMembershipSnapshot Snapshot(IEnumerable<ClusterMember> members) =>
        new(members.ToImmutableDictionary(m => m.SiloAddress), new MembershipVersion(1));
}
