using Marketplace.Grains.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds the marketplace's blob store to a silo: <c>silo.AddMarketplaceBlobs()</c>.</summary>
public static class BlobsSiloBuilderExtensions
{
    /// <summary>Configuration section of <see cref="BlobOptions"/>.</summary>
    internal const string SectionName = "Marketplace:Blobs";

    /// <summary>
    /// Adds the blobs services and options: <see cref="BlobOptions"/> bound from <c>Marketplace:Blobs</c> and checked at
    /// start, the chunk store under <see cref="BlobOptions.ChunkStorePath"/> (default <c>&lt;Marketplace:DataFolder&gt;/chunks</c>,
    /// the data folder defaulting to <c>./data</c> as in silo/Program.cs), beside the blob, upload, registry and client storage grains of
    /// this assembly. Needs the default grain storage on the silo.
    /// </summary>
    public static ISiloBuilder AddMarketplaceBlobs(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddMarketplaceGrainStateFormat();
        var configuration = silo.Configuration;
        silo.Services.AddOptions<BlobOptions>()
            .Bind(configuration.GetSection(SectionName))
            .PostConfigure(o =>
            {
                var dataFolder = MarketplaceDataFolder.Resolve(configuration);
                o.ChunkStorePath = Path.GetFullPath(Path.Combine(dataFolder, o.ChunkStorePath is { Length: > 0 } path ? path : "chunks"));
            })
            .ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<BlobOptions>, BlobOptionsValidator>();
        silo.Services.AddSingleton(sp => new BlobLog(sp.GetRequiredService<ILoggerFactory>().CreateLogger(BlobLog.Category)));
        silo.Services.AddSingleton(services => new FileChunkStore(
            services.GetRequiredService<IOptions<BlobOptions>>(), services.GetRequiredService<BlobLog>(), services.GetService<TimeProvider>()));
        // A PostgreSQL cluster registers its own store first (silo/Hosting/PostgreSqlChunkStore.cs).
        silo.Services.TryAddSingleton<IChunkStore>(services => services.GetRequiredService<FileChunkStore>());
        silo.Services.AddSingleton(services => new ChunkCollector(
            services.GetRequiredService<IChunkStore>(),
            services.GetRequiredService<IOptions<BlobOptions>>(),
            services.GetRequiredService<BlobLog>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System));
        silo.Services.AddHostedService(services => services.GetRequiredService<ChunkCollector>());
        silo.Services.TryAddKeyedSingleton<TimeProvider>(BlobOptions.ClockKey, static (services, _) => services.GetService<TimeProvider>() ?? TimeProvider.System);
        return silo;
    }

    /// <summary>Reports every problem of the settings at once.</summary>
    private sealed class BlobOptionsValidator : IValidateOptions<BlobOptions>
    {
        public ValidateOptionsResult Validate(string? name, BlobOptions options)
        {
            var problems = options.Problems();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
