using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds the marketplace's jobs to a silo: <c>silo.AddMarketplaceJobs()</c>.</summary>
public static class JobsSiloBuilderExtensions
{
    /// <summary>Adds the job and client job-list grains of this assembly with the jobs settings
    /// (<c>Marketplace:Jobs</c>, checked at start) and the lookups they share. Needs the default grain storage, a
    /// reminder service and the stream provider of <c>AddMarketplaceStreams()</c> on the silo; jobs run on the workers
    /// of <c>AddMarketplaceWorkers()</c>.</summary>
    public static ISiloBuilder AddMarketplaceJobs(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddMarketplaceGrainStateFormat();
        silo.AddMarketplaceJobsOptions();
        silo.Services.AddSingleton<JobLookups>();
        silo.Services.AddSingleton<JobLifecycle>();
        silo.Services.AddSingleton<JobReputationRecorder>();
        silo.Services.AddSingleton<JobSettlements>();
        // When a silo dies, the survivors resume its unfinished jobs at once (OrphanedJobSweep.cs).
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, OrphanedJobSweep>();
        silo.Services.TryAddSingleton(typeof(GrainReferences<>));
        silo.Services.TryAddSingleton(_ => new VerifiedSignatures());
        return silo;
    }

    /// <summary>Binds <see cref="JobsOptions"/> from <c>Marketplace:Jobs</c> (jobs and workers settings) and checks
    /// them at start; jobs and workers both call it, the options are registered once.</summary>
    internal static ISiloBuilder AddMarketplaceJobsOptions(this ISiloBuilder silo)
    {
        if (silo.Services.Any(d => d.ServiceType == typeof(IValidateOptions<JobsOptions>) && d.ImplementationType == typeof(JobsOptionsValidator)))
        {
            return silo;
        }

        var marketplace = silo.Configuration.GetSection("Marketplace");
        silo.Services.AddOptions<JobsOptions>()
            .Bind(marketplace.GetSection("Jobs"))
            .PostConfigure(o =>
            {
                if (o.WorkerKeyFolder is null)
                {
                    o.WorkerKeyFolder = Path.Combine(MarketplaceDataFolder.Resolve(silo.Configuration), "workers");
                }
            })
            .ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>();
        return silo;
    }
}
