using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>Values created once per cluster: whoever comes first stores its candidate, everyone gets that value.</summary>
public sealed class PostgreSqlClusterSecretsTests
{
    [PostgresFact]
    public async Task Of_silos_starting_together_on_a_database_without_the_schema_one_stores_and_all_read_its_value()
    {
        await using var database = await PostgresDatabase.CreateAsync("secrets");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            PostgreSqlClusterSecrets.GetOrCreateAsync(database.ConnectionString, "dev-api-key", $"candidate-{i}", CancellationToken.None))));

        Assert.Single(results, r => r.Created);
        var stored = results.Single(r => r.Created).Value;
        Assert.All(results, r => Assert.Equal(stored, r.Value));

        // Later callers get it too, whatever they offer; the schema applied afterwards keeps it.
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        var later = await PostgreSqlClusterSecrets.GetOrCreateAsync(database.ConnectionString, "dev-api-key", "another", CancellationToken.None);
        Assert.Equal((stored, false), later);
        var other = await PostgreSqlClusterSecrets.GetOrCreateAsync(database.ConnectionString, "other-secret", "value-2", CancellationToken.None);
        Assert.Equal(("value-2", true), other);
    }
}
