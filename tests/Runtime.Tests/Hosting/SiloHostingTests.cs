using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Persistence;
using Marketplace.Runtime.Reminders;
using Marketplace.Runtime.Storage;
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
    public void UseAdoNetStoragePutsDefaultStorageAndRemindersOnOneDatabase()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseMarketplaceSilo(silo => silo.UseAdoNetStorage("Host=db;Database=m", "svc-a", AdoNetInvariants.PostgreSql));
        using var host = builder.Build();
        var storage = host.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(GrainStorageServiceCollectionExtensions.DefaultStorageName);
        Assert.Equal(("Host=db;Database=m", "svc-a", AdoNetInvariants.PostgreSql), (storage.ConnectionString, storage.ServiceId, storage.Invariant));
        var reminders = host.Services.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value;
        Assert.Equal(("Host=db;Database=m", "svc-a", AdoNetInvariants.PostgreSql), (reminders.ConnectionString, reminders.ServiceId, reminders.Invariant));
        Assert.IsType<AdoNetReminderTable>(host.Services.GetRequiredService<IReminderTable>());

        var sqlite = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        sqlite.UseMarketplaceSilo(silo => silo.UseAdoNetStorage("Data Source=x.db", "svc-b"));
        using var sqliteHost = sqlite.Build();
        Assert.Equal(AdoNetInvariants.Sqlite, sqliteHost.Services.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value.Invariant);

        var bad = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Assert.Throws<ArgumentException>(() => bad.UseMarketplaceSilo(silo => silo.UseAdoNetStorage(" ", "svc")));
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
