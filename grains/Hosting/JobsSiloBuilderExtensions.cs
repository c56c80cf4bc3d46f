using Marketplace.Grains.Jobs;
using Marketplace.Grains.Workers;
using Orleans.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Marketplace.Grains.Hosting;

/// <summary>Registers the jobs and workers part of the marketplace.</summary>
internal static class JobsSiloBuilderExtensions
{
    /// <summary>Adds the jobs options (<c>Marketplace:Jobs</c>), the workers this silo hosts (<c>Marketplace:Workers</c>)
    /// and the hosted service that starts them.</summary>
    public static ISiloBuilder AddJobs(this ISiloBuilder silo)
    {
        var marketplace = silo.Configuration.GetSection("Marketplace");
        silo.Services.AddOptions<JobsOptions>()
            .Bind(marketplace.GetSection("Jobs"))
            .PostConfigure(o =>
            {
                if (o.WorkerKeyFolder is null)
                {
                    // The silo's data folder, else ./data as silo/Program.cs defaults it.
                    var data = marketplace["DataFolder"] is { Length: > 0 } configured ? configured : Path.Combine(Environment.CurrentDirectory, "data");
                    o.WorkerKeyFolder = Path.Combine(data, "workers");
                }
            })
            .ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>();
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
        silo.Services.AddSingleton<JobLookups>();
        silo.Services.AddHostedService<WorkerHostedService>();
        return silo;
    }
}
