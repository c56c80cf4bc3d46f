using Marketplace.Runtime.Persistence;
using Marketplace.Runtime.Storage;
using Marketplace.TestSupport;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Persistence;

public sealed class PostgresGrainStorageTests : GrainStorageBehaviours, IDisposable
{
    private readonly List<AdoNetGrainStorage> _storages = [];

    public PostgresGrainStorageTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [PostgresTheory]
    [MemberData(nameof(Cases), MemberType = typeof(GrainStorageBehaviours))]
    public Task Behaviour(string name) => RunBehaviourAsync(name);

    [PostgresFact]
    public Task DeleteStateOnClearRemovesTheRow() => AdoNetStorageChecks.DeleteStateOnClearRemovesTheRow(Create(deleteStateOnClear: true));

    [PostgresFact]
    public async Task SchemaScriptIsIdempotentUnderConcurrentStarts()
    {
        var starts = Enumerable.Range(0, 4).Select(_ => Create().InitializeAsync());
        await Task.WhenAll(starts);
        await Create().InitializeAsync();
    }

    [Fact]
    public async Task UnreachableServerIsATypedError()
    {
        // Port 1 on loopback refuses at once: no PostgreSQL is needed for this test.
        var storage = new AdoNetGrainStorage(
            "pg",
            new AdoNetGrainStorageOptions
            {
                Invariant = AdoNetInvariants.PostgreSql,
                ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=5",
            },
            Serializer);
        _storages.Add(storage);
        var grain = NewGrain();
        var error = await Assert.ThrowsAsync<GrainStorageException>(
            () => storage.ReadStateAsync("profile", grain, new TestGrainState<SampleState>()));
        Assert.Equal("pg", error.ProviderName);
        Assert.Equal(grain, error.GrainId);
        Assert.Equal("profile", error.StateName);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);

        // Without schema creation the failure comes from the operation itself.
        var plain = new AdoNetGrainStorage(
            "pg",
            new AdoNetGrainStorageOptions
            {
                Invariant = AdoNetInvariants.PostgreSql,
                ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=5",
                CreateSchema = false,
            },
            Serializer);
        _storages.Add(plain);
        error = await Assert.ThrowsAsync<GrainStorageException>(
            () => plain.WriteStateAsync("profile", grain, new TestGrainState<SampleState>()));
        Assert.Equal(grain, error.GrainId);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
    }

    public void Dispose()
    {
        foreach (var storage in _storages)
        {
            storage.Dispose();
        }
    }

    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(Create());

    private AdoNetGrainStorage Create(bool deleteStateOnClear = false)
    {
        var storage = new AdoNetGrainStorage(
            "pg",
            new AdoNetGrainStorageOptions
            {
                Invariant = AdoNetInvariants.PostgreSql,
                ConnectionString = ExternalService.Require(PostgresFactAttribute.Variable),
                ServiceId = "test-" + Guid.NewGuid().ToString("N"),
                DeleteStateOnClear = deleteStateOnClear,
            },
            Serializer);
        _storages.Add(storage);
        return storage;
    }
}
