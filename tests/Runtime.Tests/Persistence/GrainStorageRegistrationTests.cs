using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Persistence;
using Marketplace.Runtime.Reminders;
using Marketplace.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Marketplace.Runtime.Tests.Persistence;

public sealed class GrainStorageRegistrationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mkt-di-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task NamedStoragesAreKeyedServicesAndSchemaIsAppliedAtStart()
    {
        var file = Path.Combine(_folder, "grains.db");
        var services = new ServiceCollection();
        services.AddSingleton<IGrainStorageSerializer>(new JsonGrainStorageSerializer());
        services.AddAdoNetGrainStorage(GrainStorageServiceCollectionExtensions.DefaultStorageName, o => o.ConnectionString = $"Data Source={file}");
        services.AddMemoryGrainStorage("scratch");
        services.AddMemoryReminderTable();
        await using var provider = services.BuildServiceProvider();

        var defaultStorage = provider.GetRequiredKeyedService<IGrainStorage>("Default");
        Assert.IsType<AdoNetGrainStorage>(defaultStorage);
        Assert.Same(defaultStorage, provider.GetRequiredKeyedService<IGrainStorage>("Default"));
        Assert.IsType<MemoryGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("scratch"));
        Assert.IsType<MemoryReminderTable>(provider.GetRequiredService<IReminderTable>());
        Assert.Null(provider.GetKeyedService<IGrainStorage>("missing"));

        Assert.False(File.Exists(file));
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'OrleansStorage'";
            Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
        }

        var grain = new GrainId("account", "di");
        await defaultStorage.WriteStateAsync("s", grain, new TestGrainState<SampleState> { State = new SampleState { Name = "di" } });
        var read = new TestGrainState<SampleState>();
        await defaultStorage.ReadStateAsync("s", grain, read);
        Assert.Equal("di", read.State.Name);
    }

    [Fact]
    public async Task PerStorageSerializerOverridesTheService()
    {
        var services = new ServiceCollection();
        var json = new JsonGrainStorageSerializer();
        services.AddAdoNetGrainStorage("json", o =>
        {
            o.ConnectionString = $"Data Source={Path.Combine(_folder, "json.db")}";
            o.Serializer = json;
        });
        await using var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredKeyedService<IGrainStorage>("json");
        var state = new TestGrainState<SampleState> { State = new SampleState { Name = "x" } };
        await storage.WriteStateAsync("s", new GrainId("a", "b"), state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task MissingSerializerIsAClearError()
    {
        var services = new ServiceCollection();
        services.AddAdoNetGrainStorage("Default", o => o.ConnectionString = $"Data Source={Path.Combine(_folder, "x.db")}");
        services.AddMemoryGrainStorage("mem");
        await using var provider = services.BuildServiceProvider();
        var ado = Assert.Throws<ArgumentException>(() => provider.GetRequiredKeyedService<IGrainStorage>("Default"));
        Assert.Contains("IGrainStorageSerializer", ado.Message, StringComparison.Ordinal);
        var memory = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<IGrainStorage>("mem"));
        Assert.Contains("IGrainStorageSerializer", memory.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdoNetReminderTableIsTheSingletonTable()
    {
        var file = Path.Combine(_folder, "reminders.db");
        var services = new ServiceCollection();
        services.AddAdoNetReminderTable(o =>
        {
            o.ConnectionString = $"Data Source={file}";
            o.ServiceId = "svc";
        });
        await using var provider = services.BuildServiceProvider();
        var table = provider.GetRequiredService<IReminderTable>();
        Assert.IsType<AdoNetReminderTable>(table);
        Assert.Same(table, provider.GetRequiredService<IReminderTable>());
        await table.InitAsync();
        Assert.True(File.Exists(file));
    }

    [Fact]
    public void DocumentedDefaults()
    {
        var storage = new AdoNetGrainStorageOptions();
        Assert.Equal("Microsoft.Data.Sqlite", storage.Invariant);
        Assert.Equal("default", storage.ServiceId);
        Assert.True(storage.CreateSchema);
        Assert.False(storage.DeleteStateOnClear);
        Assert.Equal(TimeSpan.FromSeconds(30), storage.BusyTimeout);
        Assert.Null(storage.Serializer);
        var reminders = new AdoNetReminderTableOptions();
        Assert.Equal("Microsoft.Data.Sqlite", reminders.Invariant);
        Assert.Equal("default", reminders.ServiceId);
        Assert.True(reminders.CreateSchema);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
