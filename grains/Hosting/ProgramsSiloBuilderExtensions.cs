using Marketplace.Grains.Execution;
using Marketplace.Grains.Programs;
using Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Hosting;

/// <summary>Registers the programs part of the marketplace.</summary>
internal static class ProgramsSiloBuilderExtensions
{
    /// <summary>Adds the programs services and options: <see cref="ProgramOptions"/> from <c>Marketplace:Programs</c>,
    /// the silo's Wasmtime engine and its epoch ticker,
    /// the compiled-module cache and the <see cref="IProgramRunner"/>.</summary>
    public static ISiloBuilder AddPrograms(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<ProgramOptions>().Bind(silo.Configuration.GetSection(ProgramOptions.Section));
        silo.Services.AddSingleton<SandboxEngine>();
        silo.Services.AddSingleton<EpochTicker>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<EpochTicker>());
        silo.Services.AddSingleton<ProgramModuleCache>();
        silo.Services.AddSingleton(_ => new SandboxThreads(idleTimeout: TimeSpan.FromSeconds(30)));
        silo.Services.AddSingleton<IProgramRunner, ProgramRunner>();
        return silo;
    }
}
