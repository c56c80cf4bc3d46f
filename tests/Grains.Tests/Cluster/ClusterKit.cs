using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>Silo settings, deployments and job waits for cluster tests.</summary>
internal static class ClusterKit
{
    /// <summary>A fixed secp256k1 deployer key.</summary>
    private static readonly byte[] DeployerKey = Convert.FromHexString("4646464646464646464646464646464646464646464646464646464646464646");

    /// <summary>
    /// The job tests' short timings with a lease of 3 s instead of 0.8 s (and workers offline after 3 s instead of 2 s):
    /// while a silo joins or leaves, calls between the others pause for a moment (directory ranges move, cached
    /// addresses go stale), and a lease much shorter than that pause expired on live workers in a loaded run.
    /// </summary>
    public static JobsSettings Silo() => new JobsSettings()
        .Set("Marketplace:Jobs:LeaseDuration", "00:00:03")
        .Set("Marketplace:Jobs:WorkerOfflineAfter", "00:00:03");

    /// <summary>The settings of a silo that hosts no workers.</summary>
    public static JobsSettings NoWorkers() => Silo().Set("Marketplace:Jobs:DefaultWorkers", "0");

    /// <summary>Silo A without workers, silo B with the cheap worker b-1, silo C with c-1, each with the settings
    /// <paramref name="tune"/> gives. Grains without a placement of their own (job grains) go where they are first
    /// called from, so a test can put a job's grain on silo B or off it; Orleans' default placement weighs silo load.</summary>
    public static Task<MarketplaceTestCluster> StartLossClusterAsync(Func<JobsSettings, JobsSettings> tune) => MarketplaceTestCluster.StartAsync(
        [
            tune(NoWorkers()).Values,
            tune(Silo().Worker("b-1", price: 1)).Values,
            tune(Silo().Worker("c-1", price: 5)).Values,
        ],
        workers: 2,
        silo => silo.Services.AddSingleton<PlacementStrategy, PreferLocalPlacement>());

    /// <summary>A job of <c>slow_loop</c> over 11 million iterations (462 million fuel): about a second of work on an
    /// idle core, several under load, with room for ten retries.</summary>
    public static JobSubmission SlowJob(string program) => JobsKit.Job(program, s =>
    {
        s.RequestId = "r0";
        s.InputInline = JobsKit.Iterations(11_000_000);
        s.MaxFuel = JobLimits.MaxFuel;
        s.TimeoutMs = 120_000;
        s.MaxRetries = 10;
    });

    /// <summary>Deploys a test module (tests/Grains.Tests/Jobs/Modules) through <paramref name="grains"/>.</summary>
    public static async Task<string> DeployAsync(IGrainFactory grains, string name)
    {
        var deployment = ProgramDeployments.Create(JobsKit.Module(name), new ProgramManifest { Name = name.Replace('_', '-'), Version = "1.0.0" }, DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        return (await grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo)).Id;
    }

    /// <summary>The silo whose <see cref="ClusterSilo.Workers"/> hosts <paramref name="workerId"/>, or null.</summary>
    public static ClusterSilo? HostOf(this MarketplaceTestCluster cluster, string workerId) =>
        cluster.Running().FirstOrDefault(s => s.Workers.Find(workerId) is not null);

    /// <summary>Where each activation of <paramref name="workerIds"/>' worker grains lives, from the management
    /// grain's view of every silo.</summary>
    public static async Task<List<(string WorkerId, SiloAddress Silo)>> WorkerActivationsAsync(this ClusterSilo via, IEnumerable<string> workerIds)
    {
        var ids = workerIds.ToHashSet(StringComparer.Ordinal);
        var stats = await via.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return stats
            .Where(s => s.GrainType.Contains(nameof(Workers.WorkerGrain), StringComparison.Ordinal) && ids.Contains(s.GrainId.Key.ToString()!))
            .Select(s => (s.GrainId.Key.ToString()!, s.SiloAddress))
            .OrderBy(s => s.Item1, StringComparer.Ordinal)
            .ToList();
    }
}
