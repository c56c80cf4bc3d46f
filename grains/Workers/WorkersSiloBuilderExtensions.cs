using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Marketplace.Grains.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds the marketplace's workers to a silo: <c>silo.AddMarketplaceWorkers()</c>.</summary>
public static class WorkersSiloBuilderExtensions
{
    /// <summary>Adds the workers this silo hosts (<c>Marketplace:Workers</c>, else the default workers of
    /// <c>Marketplace:Jobs</c>), the hosted service that starts them, the placement that keeps each worker grain on
    /// its host (the silo publishes its worker ids in its metadata) and the worker and directory grains of this
    /// assembly. Workers run attempts with the program runner of
    /// <see cref="ExecutionSiloBuilderExtensions.AddMarketplaceExecution"/> when the silo has one. Needs the default
    /// grain storage and the stream provider of <c>AddMarketplaceStreams()</c> on the silo. Adds reputation
    /// (<see cref="ReputationSiloBuilderExtensions.AddMarketplaceReputation"/>): hosts bid with it.</summary>
    public static ISiloBuilder AddMarketplaceWorkers(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddMarketplaceGrainStateFormat();
        silo.AddMarketplaceJobsOptions();
        silo.AddMarketplaceReputation();
        var marketplace = silo.Configuration.GetSection("Marketplace");
        silo.Services.AddOptions<List<WorkerOptions>>().Configure(list => marketplace.GetSection("Workers").Bind(list));

        // Worker grains live on the silo that hosts their executors: publish this silo's worker ids to the cluster.
        var jobs = new JobsOptions();
        marketplace.GetSection("Jobs").Bind(jobs);
        var configured = new List<WorkerOptions>();
        marketplace.GetSection("Workers").Bind(configured);
        var hosted = WorkerHostedService.Resolve(configured, jobs);
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [WorkerHostPlacement.MetadataKey] = string.Join(',', hosted.Select(w => w.Id)),
        });
        silo.Services.AddPlacementDirector<WorkerHostPlacement, WorkerHostPlacementDirector>();
        silo.Services.AddSingleton<LocalWorkers>();
        silo.Services.TryAddSingleton(typeof(GrainReferences<>));
        silo.Services.TryAddSingleton(_ => new VerifiedSignatures());
        silo.Services.AddHostedService<WorkerHostedService>();
        return silo;
    }
}
