using System.Diagnostics;
using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Npgsql;
using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>The schema scripts against a real PostgreSQL: idempotent, complete, concurrent-safe, failures named.</summary>
public sealed class PostgreSqlSchemaTests
{
    /// <summary>Every key Orleans 10.4 AdoNet clustering, grain storage and reminders look up in OrleansQuery.</summary>
    public static readonly string[] RequiredQueryKeys =
    [
        // Orleans.Clustering.AdoNet (DbStoredQueries, clustering section)
        "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey",
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey",
        "UpdateMembershipKey",

        // Orleans.Persistence.AdoNet (AdoNetGrainStorage.DefaultInitializationQuery)
        "ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey",

        // Orleans.Reminders.AdoNet (DbStoredQueries, reminders section)
        "DeleteReminderRowKey", "DeleteReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
        "ReadReminderRowsKey", "UpsertReminderRowKey",
    ];

    private static readonly string[] Tables =
        ["marketplaceblobchunkrefs", "marketplaceblobchunks", "marketplaceclustersecrets", "marketplacerequestnonces", "orleansgraindirectory", "orleansmembershiptable", "orleansmembershipversiontable", "orleansquery", "orleansreminderstable", "orleansstorage"];

    [PostgresFact]
    public async Task SchemaAppliesTwiceIntoAFreshDatabase()
    {
        await using var database = await PostgresDatabase.CreateAsync("schema");

        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        var textsAfterFirst = await database.ColumnAsync("SELECT QueryKey || '=' || QueryText FROM OrleansQuery ORDER BY QueryKey");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);

        Assert.Equal(textsAfterFirst, await database.ColumnAsync("SELECT QueryKey || '=' || QueryText FROM OrleansQuery ORDER BY QueryKey"));
        Assert.Equal(RequiredQueryKeys.Order(StringComparer.Ordinal), await database.ColumnAsync("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\""));
        Assert.Equal(Tables, await database.ColumnAsync(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"));

        // Grain states are compressed with lz4 (Debian's servers have it), not pglz.
        Assert.Equal(["l"], await database.ColumnAsync(
            "SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'orleansstorage'::regclass AND attname = 'payloadbinary'"));
    }

    [PostgresFact]
    public async Task ConcurrentAppliersAllSucceed()
    {
        await using var database = await PostgresDatabase.CreateAsync("schema_race");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None))));

        Assert.Equal(RequiredQueryKeys.Length, (int)await database.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));
    }

    [PostgresFact]
    public async Task ReapplyingDoesNotBlockWritesOfRunningSilos()
    {
        await using var database = await PostgresDatabase.CreateAsync("schema_locks");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);

        // A starting silo's apply transaction, held open after all scripts ran.
        await using var applier = new NpgsqlConnection(database.ConnectionString);
        await applier.OpenAsync();
        await using var transaction = await applier.BeginTransactionAsync();
        foreach (var script in PostgreSqlSchema.ScriptNames)
        {
            await using var command = new NpgsqlCommand(PostgreSqlSchema.ReadScript(script), applier, transaction);
            await command.ExecuteNonQueryAsync();
        }

        // Running silos keep writing grain state, reminders and membership meanwhile (lock_timeout turns a block
        // into an error instead of a hang).
        await database.ExecuteAsync("""
            SET lock_timeout = '5s';
            SELECT orleans_storage_write(1, 2, 3, 4, 'type', NULL, 'service', NULL, '\x01'::bytea);
            INSERT INTO OrleansRemindersTable VALUES ('service', 'probe/1', 'r', now(), 1000, 5, 0);
            INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES ('cluster');
            """);
        await transaction.CommitAsync();

        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM OrleansStorage"));
    }

    [PostgresFact]
    public async Task SiloStartAppliesTheSchemaUnlessTurnedOff()
    {
        await using var database = await PostgresDatabase.CreateAsync("schema_start");
        var cluster = ClusterIdentity.New(database);

        // Turned off on an empty database: nothing creates the tables, so the silo cannot start.
        var (off, _) = TestSilo.Build(cluster, options => options.ApplySchemaOnStart = false);
        using (off)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => off.StartAsync(bound.Token));
            Assert.True(Flatten(failure).OfType<PostgresException>().Any(e => e.SqlState == PostgresErrorCodes.UndefinedTable), failure.ToString());
            Assert.False(await database.ScalarAsync<bool>("SELECT to_regclass('orleansquery') IS NOT NULL"));
        }

        // On (the default): the silo applies the schema before membership reads it, and joins.
        var (on, _) = TestSilo.Build(cluster);
        using (on)
        {
            await on.StartAsync();
            Assert.Equal(RequiredQueryKeys.Length, (int)await database.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await on.StopAsync(bound.Token);
        }
    }

    [PostgresFact]
    public async Task FailingScriptIsNamedAndNothingIsCommitted()
    {
        await using var database = await PostgresDatabase.CreateAsync("schema_fail");
        // A view where Clustering.sql expects its version table: the membership table's foreign key cannot point at it.
        await database.ExecuteAsync("CREATE VIEW OrleansMembershipVersionTable AS SELECT 'x'::varchar(150) AS DeploymentId");

        var failure = await Assert.ThrowsAsync<PostgreSqlSchemaException>(
            () => PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None));

        Assert.Equal("Clustering.sql", failure.Script);
        Assert.Contains("Clustering.sql", failure.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(failure.InnerException);
        Assert.False(await database.ScalarAsync<bool>("SELECT to_regclass('orleansquery') IS NOT NULL"));
    }

    [PostgresFact]
    public async Task ScriptsApplyByHandWithPsqlTwice()
    {
        await using var database = await PostgresDatabase.CreateAsync("schema_psql");
        var scripts = Path.Combine(SharedData.RepositoryRoot, "persistence", "PostgreSql", "Scripts");
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var libpq = $"host={connection.Host} port={connection.Port} user={connection.Username} dbname={connection.Database}";

        for (var round = 0; round < 2; round++)
        {
            foreach (var script in PostgreSqlSchema.ScriptNames)
            {
                // The command the README documents, one file at a time.
                var start = new ProcessStartInfo("psql") { RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (var argument in new[] { libpq, "-q", "-v", "ON_ERROR_STOP=1", "-1", "-f", Path.Combine(scripts, script) })
                {
                    start.ArgumentList.Add(argument);
                }

                start.Environment["PGPASSWORD"] = connection.Password;
                using var psql = Process.Start(start)!;
                var errors = psql.StandardError.ReadToEndAsync();
                await psql.StandardOutput.ReadToEndAsync();
                await psql.WaitForExitAsync();
                Assert.True(psql.ExitCode == 0, $"psql -f {script} (round {round + 1}) exited {psql.ExitCode}: {await errors}");
            }
        }

        Assert.Equal(RequiredQueryKeys.Order(StringComparer.Ordinal), await database.ColumnAsync("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\""));
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        IEnumerable<Exception> children = exception switch
        {
            AggregateException aggregate => aggregate.InnerExceptions,
            { InnerException: { } inner } => [inner],
            _ => [],
        };
        return children.SelectMany(Flatten).Prepend(exception);
    }
}
