using Marketplace.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Runtime.Tests;

/// <summary>A real silo in the test process, built like production hosts are (generic host + UseMarketplaceSilo).</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private TestSilo(IHost host)
    {
        Host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public IHost Host { get; }

    public IGrainFactory Grains { get; }

    public IServiceProvider Services => Host.Services;

    public static async Task<TestSilo> StartAsync(Action<ISiloBuilder>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.UseMarketplaceSilo(configure);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public Task StopAsync() => Host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
