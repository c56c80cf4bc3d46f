using Marketplace.TestSupport;
using Npgsql;
using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>The defaults a silo adds to its connection string: a capped pool, keepalives that end the server
/// sessions of a silo that died without closing them, and pooled sessions that keep what they prepared.</summary>
public sealed class PostgreSqlConnectionDefaultsTests
{
    [Fact]
    public void Unset_pool_size_and_keepalives_get_the_cluster_defaults()
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionDefaults.Apply("Host=db;Username=u;Password=p;Database=d"));
        Assert.Equal(30, applied.MaxPoolSize);
        Assert.Equal(15, applied.KeepAlive);
        Assert.Equal("-c tcp_keepalives_idle=15 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3", applied.Options);
        Assert.True(applied.NoResetOnClose);
        Assert.Equal(64, applied.MaxAutoPrepare);
        Assert.Equal("db", applied.Host);
        Assert.Equal("p", applied.Password);
    }

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=100", 100)]
    [InlineData("Host=db;MaxPoolSize=7", 7)]
    [InlineData("Host=db;maximum pool size=12", 12)]
    public void An_explicit_pool_size_is_kept_even_at_npgsqls_default(string connectionString, int expected)
    {
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(PostgreSqlConnectionDefaults.Apply(connectionString)).MaxPoolSize);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false;Max Auto Prepare=0")]
    [InlineData("Host=db;NoResetOnClose=false;MaxAutoPrepare=0")]
    public void An_explicit_reset_and_auto_prepare_setting_is_kept(string connectionString)
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionDefaults.Apply(connectionString));
        Assert.False(applied.NoResetOnClose);
        Assert.Equal(0, applied.MaxAutoPrepare);
    }

    [Fact]
    public void The_operators_options_and_keepalives_are_kept()
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionDefaults.Apply(
            "Host=db;Keepalive=60;Options=-c statement_timeout=5000"));
        Assert.Equal(60, applied.KeepAlive);
        Assert.Equal("-c statement_timeout=5000 " + PostgreSqlConnectionDefaults.ServerKeepalives, applied.Options);

        var own = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionDefaults.Apply("Host=db;Options=-c tcp_keepalives_idle=99"));
        Assert.Equal("-c tcp_keepalives_idle=99", own.Options);
    }

    [Fact]
    public void A_string_that_is_not_a_connection_string_is_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => PostgreSqlConnectionDefaults.Apply("Host=db;NoSuchKeyword=1"));
    }

    [PostgresFact]
    public async Task The_server_applies_the_keepalives_to_each_session()
    {
        var connectionString = PostgreSqlConnectionDefaults.Apply(Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)!);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('tcp_keepalives_idle'), current_setting('tcp_keepalives_count')", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("15", reader.GetString(0));
        Assert.Equal("3", reader.GetString(1));
    }

    [PostgresFact]
    public async Task A_statement_used_over_pooled_connections_is_prepared_once_and_no_reset_runs_between_uses()
    {
        // Its own pool (Application Name), so no other test's sessions are used.
        var connectionString = PostgreSqlConnectionDefaults.Apply(
            Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)! + ";Application Name=defaults-" + Guid.NewGuid().ToString("N")[..8]);
        var backends = new HashSet<int>();
        for (var use = 0; use < 10; use++)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            backends.Add(connection.ProcessID);
            if (use == 0)
            {
                // A session setting: any reset between uses (DISCARD ALL, or RESET ALL) would clear it.
                await using var mark = new NpgsqlCommand("SELECT set_config('marketplace.probe', 'kept', false)", connection);
                await mark.ExecuteScalarAsync();
            }

            await using var command = new NpgsqlCommand("SELECT @x::int + 1", connection);
            command.Parameters.AddWithValue("x", use);
            Assert.Equal(use + 1, (int)(await command.ExecuteScalarAsync())!);
        }

        Assert.Single(backends);   // one pooled session served every use
        await using var check = new NpgsqlConnection(connectionString);
        await check.OpenAsync();
        await using var setting = new NpgsqlCommand("SELECT current_setting('marketplace.probe', true)", check);
        Assert.Equal("kept", (string?)await setting.ExecuteScalarAsync());
        await using var prepared = new NpgsqlCommand(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int + 1%'", check);
        Assert.Equal(1L, (long)(await prepared.ExecuteScalarAsync())!);
    }
}
