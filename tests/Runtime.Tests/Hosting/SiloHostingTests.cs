using Marketplace.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Runtime.Tests.Hosting;

public sealed class SiloHostingTests
{
    [Fact]
    public void DefaultsMatchOrleans()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseMarketplaceSilo();
        using var host = builder.Build();
        Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<IOptions<MessagingOptions>>().Value.ResponseTimeout);
        Assert.Equal(TimeSpan.FromMinutes(15), host.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.CollectionAge);
        Assert.Equal(TimeSpan.FromMinutes(1), host.Services.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod);
    }

    [Fact]
    public void OptionsBindFromCommandLineAndCodeWins()
    {
        var builder = Host.CreateApplicationBuilder(["--Marketplace:Messaging:ResponseTimeout=00:00:07", "--Marketplace:Silo:ServiceId=from-args"]);
        builder.UseMarketplaceSilo(silo => silo.Configure<SiloOptions>(o => o.ClusterId = "from-code"));
        using var host = builder.Build();
        Assert.Equal(TimeSpan.FromSeconds(7), host.Services.GetRequiredService<IOptions<MessagingOptions>>().Value.ResponseTimeout);
        var silo = host.Services.GetRequiredService<IOptions<SiloOptions>>().Value;
        Assert.Equal("from-args", silo.ServiceId);
        Assert.Equal("from-code", silo.ClusterId);
    }

    [Fact]
    public async Task CallsAfterShutdownFailWithSiloUnavailable()
    {
        var silo = await TestSilo.StartAsync();
        var grains = silo.Grains;
        await silo.StopAsync();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => grains.GetGrain<Grains.IBehaviourGrain>("after-stop").Add(1, 2).AsTask());
        silo.Host.Dispose();
    }
}

public interface IManifestOnlyGrain : IGrainWithStringKey
{
    Task<int> Nothing();
}

public sealed class ManifestMappingTests
{
    [Fact]
    public async Task InterfaceMappingLetsAClientAddressGrainsWithoutTheirClass()
    {
        await using var silo = await TestSilo.StartAsync();
        Assert.Throws<GrainTypeNotFoundException>(() => silo.Grains.GetGrain<IManifestOnlyGrain>("x"));
        Marketplace.Runtime.Catalog.GrainTypeResolver.RegisterInterfaceMapping(typeof(IManifestOnlyGrain), "remote-only");
        var reference = silo.Grains.GetGrain<IManifestOnlyGrain>("x");
        Assert.Equal(new GrainId("remote-only", "x"), reference.GetGrainId());
        await Assert.ThrowsAsync<GrainTypeNotFoundException>(() => reference.Nothing());
    }
}
