using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>A database failure under the grain directory reaches Orleans as a typed exception that can travel to the
/// calling silo: the driver's own exceptions have no Orleans codec, and one of them in a failed placement turned an
/// answerable outage into an internal error on the silo that asked.</summary>
public sealed class PostgreSqlGrainDirectoryTests
{
    private static readonly GrainId Grain = GrainId.Create("job", "directory-test");

    [Fact]
    public async Task Every_operation_on_an_unreachable_database_fails_with_the_typed_error_and_no_driver_exception()
    {
        var directory = Directory($"Host=127.0.0.1;Port={FreePort.Next()};Username=u;Password=p;Database=d;Timeout=3");
        var address = Address();

        var failures = new List<PostgreSqlGrainDirectoryException>
        {
            await Assert.ThrowsAsync<PostgreSqlGrainDirectoryException>(() => directory.Lookup(Grain)),
            await Assert.ThrowsAsync<PostgreSqlGrainDirectoryException>(() => directory.Register(address)),
            await Assert.ThrowsAsync<PostgreSqlGrainDirectoryException>(() => directory.Register(address, Address())),
            await Assert.ThrowsAsync<PostgreSqlGrainDirectoryException>(() => directory.Unregister(address)),
            await Assert.ThrowsAsync<PostgreSqlGrainDirectoryException>(() => directory.UnregisterSilos([address.SiloAddress!])),
        };

        Assert.Equal(["Lookup", "Register", "Register", "Unregister", "UnregisterSilos"], failures.Select(f => f.Operation));
        Assert.All(failures, failure =>
        {
            Assert.Null(failure.InnerException);
            Assert.Null(failure.SqlState);
            Assert.Contains("retry shortly", failure.Message, StringComparison.Ordinal);
        });
    }

    [PostgresFact]
    public async Task A_server_error_carries_its_sql_state_and_crosses_silos_through_orleans_serializer()
    {
        // A database without the directory's table: the server answers, with undefined_table.
        await using var database = await PostgresDatabase.CreateAsync("directory");
        var failure = await Assert.ThrowsAsync<PostgreSqlGrainDirectoryException>(() => Directory(database.ConnectionString).Lookup(Grain));
        Assert.Equal("42P01", failure.SqlState);
        Assert.Null(failure.InnerException);

        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(failure));
        var received = Assert.IsType<PostgreSqlGrainDirectoryException>(copy);
        Assert.Equal(("Lookup", "42P01", failure.Message), (received.Operation, received.SqlState, received.Message));
    }

    [Fact]
    public async Task A_lookup_of_a_type_that_is_never_registered_is_answered_without_the_database()
    {
        // The database cannot be reached: any query fails, so an answer proves none was sent.
        var directory = Directory($"Host=127.0.0.1;Port={FreePort.Next()};Username=u;Password=p;Database=d;Timeout=3", neverRegistered: "settledchainjob");
        Assert.Null(await directory.Lookup(GrainId.Create("settledchainjob", "job-1")));
        await Assert.ThrowsAsync<PostgreSqlGrainDirectoryException>(() => directory.Lookup(Grain));
    }

    private static PostgreSqlGrainDirectory Directory(string connectionString, string? neverRegistered = null) => new(
        "directory",
        Options.Create(new PostgreSqlClusterOptions { ConnectionString = connectionString }),
        Options.Create(new ClusterOptions { ClusterId = "directory-tests", ServiceId = "directory-tests" }),
        NullLogger<PostgreSqlGrainDirectory>.Instance,
        type => type.ToString() == neverRegistered);

    private static GrainAddress Address() => new()
    {
        GrainId = Grain,
        SiloAddress = SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 11111), 1),
        ActivationId = ActivationId.NewId(),
        MembershipVersion = new MembershipVersion(1),
    };
}
