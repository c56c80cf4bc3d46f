using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds the marketplace's program sandbox to a silo: <c>silo.AddMarketplaceExecution()</c>.</summary>
public static class ExecutionSiloBuilderExtensions
{
    /// <summary>Adds the sandbox that runs programs: <see cref="ProgramOptions"/> from <c>Marketplace:Programs</c>
    /// (checked at start), the silo's Wasmtime engine and its epoch ticker, the compiled-module cache and the
    /// <see cref="IProgramRunner"/>. Programs and workers build on it; adding it twice registers it once.</summary>
    public static ISiloBuilder AddMarketplaceExecution(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (silo.Services.Any(d => d.ServiceType == typeof(SandboxEngine)))
        {
            return silo;
        }

        silo.Services.AddOptions<ProgramOptions>()
            .Bind(silo.Configuration.GetSection(ProgramOptions.Section))
            .ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<ProgramOptions>, ProgramOptionsValidator>();
        silo.Services.AddSingleton<SandboxEngine>();
        silo.Services.AddSingleton<EpochTicker>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<EpochTicker>());
        silo.Services.AddSingleton<ProgramModuleCache>();
        silo.Services.AddSingleton(_ => new SandboxThreads(idleTimeout: TimeSpan.FromSeconds(30)));
        silo.Services.AddSingleton<IProgramRunner, ProgramRunner>();
        silo.Services.TryAddSingleton(typeof(GrainReferences<>));
        return silo;
    }
}
