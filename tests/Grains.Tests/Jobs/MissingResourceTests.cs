using System.Globalization;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Reads of ids and program names that do not exist answer not-found and leave no activation behind, so a
/// flood of random ids cannot fill a silo's memory.</summary>
public sealed class MissingResourceTests
{
    private const int Reads = 200;

    [Fact]
    public async Task ReadsOfMissingJobsBlobsProgramsNamesAndWorkersLeaveNoActivations()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var seed = 20261123;
        Console.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var before = await CountAsync(silo);
        for (var i = 0; i < Reads; i++)
        {
            var hex = RandomHex(random);
            await Assert.ThrowsAsync<JobNotFoundException>(() => silo.Grains.GetGrain<IJobGrain>("job" + hex[..32]).GetAsync(JobsKit.Client));
            await Assert.ThrowsAsync<BlobNotFoundException>(() => silo.Grains.GetGrain<IBlobGrain>("blob" + hex).ReadChunkAsync(BlobCaller.Silo, 0));
            Assert.Null(await silo.Grains.GetGrain<IProgramGrain>("prog" + hex).GetInfoAsync());
            await Assert.ThrowsAsync<WorkerNotFoundException>(() => silo.Grains.GetGrain<IWorkerGrain>("w-" + hex[..16]).GetAsync());
            await Assert.ThrowsAsync<ProgramNotFoundException>(() => ProgramReferences.ResolveAsync(silo.Grains, "name-" + hex[..16] + "@1.0.0"));
            Assert.Null(await silo.Grains.GetGrain<IProgramNameGrain>("n-" + hex[16..32]).GetAsync());
        }

        // Deactivation follows each answer; wait for it (bounded) rather than for a fixed time.
        var leftover = -1;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            leftover = await CountAsync(silo) - before;
            if (leftover <= 0)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.True(leftover <= 0, string.Create(CultureInfo.InvariantCulture, $"{leftover} activations left after {Reads * 6} reads of missing ids"));
    }

    [Fact]
    public async Task ABurstOfReadsOfOneMissingNameAnswersNotFoundEveryTimeAndLeavesNoActivation()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var before = await CountAsync(silo);
        for (var round = 0; round < 5; round++)
        {
            var reads = Enumerable.Range(0, 100).Select(async _ =>
            {
                var e = await Assert.ThrowsAsync<ProgramNotFoundException>(() => ProgramReferences.ResolveAsync(silo.Grains, "always-missing@1.0.0"));
                Assert.Equal("no program named 'always-missing' is deployed", e.Message);
            });
            await Task.WhenAll(reads);
        }

        var leftover = -1;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && (leftover = await CountAsync(silo) - before) > 0)
        {
            await Task.Delay(50);
        }

        Assert.True(leftover <= 0, $"{leftover} activations left after reads of one missing name");
    }

    [Fact]
    public async Task BurstsOfReadsOfOneMissingJobBlobProgramAndWorkerAnswerNotFoundEveryTimeAndLeaveNoActivation()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var before = await CountAsync(silo);
        var hex = new string('a', 64);
        for (var round = 0; round < 5; round++)
        {
            // Concurrent calls to one missing id queue on one activation; none may be refused on the way.
            var reads = Enumerable.Range(0, 100).SelectMany(_ => new Task[]
            {
                Assert.ThrowsAsync<JobNotFoundException>(() => silo.Grains.GetGrain<IJobGrain>("job" + hex[..32]).GetAsync(JobsKit.Client)),
                Assert.ThrowsAsync<BlobNotFoundException>(() => silo.Grains.GetGrain<IBlobGrain>("blob" + hex).GetChunkProofAsync(BlobCaller.Silo, 0)),
                Assert.ThrowsAsync<WorkerNotFoundException>(() => silo.Grains.GetGrain<IWorkerGrain>("w-" + hex[..16]).GetAsync()),
                NullProgramAsync(silo.Grains.GetGrain<IProgramGrain>("prog" + hex)),
            });
            await Task.WhenAll(reads);
        }

        var leftover = -1;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && (leftover = await CountAsync(silo) - before) > 0)
        {
            await Task.Delay(50);
        }

        Assert.True(leftover <= 0, $"{leftover} activations left after bursts of reads of missing ids");
    }

    private static async Task NullProgramAsync(IProgramGrain program) => Assert.Null(await program.GetInfoAsync());

    private static async Task<int> CountAsync(MarketplaceTestSilo silo)
    {
        var stats = await silo.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var count = 0;
        foreach (var s in stats)
        {
            if (s.GrainType.Contains("JobGrain", StringComparison.Ordinal) && !s.GrainType.Contains("Client", StringComparison.Ordinal)
                || s.GrainType.Contains("BlobGrain", StringComparison.Ordinal)
                || s.GrainType.Contains("ProgramGrain", StringComparison.Ordinal)
                || s.GrainType.Contains("WorkerGrain", StringComparison.Ordinal)
                || s.GrainType.Contains("ProgramNameGrain", StringComparison.Ordinal))
            {
                count += s.ActivationCount;
            }
        }

        return count;
    }

    private static string RandomHex(Random random)
    {
        Span<byte> bytes = stackalloc byte[32];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
