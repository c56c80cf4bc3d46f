// Design: operators whose silos run with a database role that may not run DDL apply the PostgreSQL schema once, by
// hand, before the first silo starts. `Marketplace.Silo --apply-schema` reads the same configuration a silo would
// (appsettings.json, environment, command line), applies the scripts through PostgreSqlSchema.ApplyAsync (idempotent,
// serialised by an advisory lock) and exits, so the command and the silo can never disagree on the schema.
using Marketplace.Persistence.PostgreSql;
using Npgsql;

namespace Marketplace.Silo.Hosting;

/// <summary>The <c>--apply-schema</c> command of the silo executable: applies the PostgreSQL cluster schema and exits.</summary>
public static class ApplySchemaCommand
{
    /// <summary>The command-line switch.</summary>
    public const string Switch = "--apply-schema";

    /// <summary>True when <paramref name="args"/> ask for the command.</summary>
    /// <param name="args">The process arguments.</param>
    public static bool IsRequested(string[] args) => Array.IndexOf(args ?? [], Switch) >= 0;

    /// <summary>
    /// Applies the schema to the database named by <c>Marketplace:Cluster:PostgreSqlConnectionString</c>.
    /// </summary>
    /// <param name="args">The process arguments (the switch among them; the others are configuration).</param>
    /// <param name="output">Where the outcome is written.</param>
    /// <param name="error">Where problems are written.</param>
    /// <param name="cancellationToken">Cancels the run (the transaction rolls back).</param>
    /// <returns>The exit code: 0 applied, 1 the database refused or a script failed, 2 no connection string.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var rest = Array.FindAll(args, a => !string.Equals(a, Switch, StringComparison.Ordinal));
        var configuration = MarketplaceSiloHost.CreateBuilder(rest).Configuration;
        var key = SiloClusterOptions.Section + ":" + nameof(SiloClusterOptions.PostgreSqlConnectionString);
        var connectionString = configuration[key];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await error.WriteLineAsync($"{Switch}: {key} is not set (appsettings.json, environment or --{key}=...)").ConfigureAwait(false);
            return 2;
        }

        var database = new NpgsqlConnectionStringBuilder(connectionString) { Password = null };
        try
        {
            await PostgreSqlSchema.ApplyAsync(connectionString, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PostgreSqlSchemaException or NpgsqlException)
        {
            await error.WriteLineAsync($"{Switch}: the schema was not applied to {database.Host}:{database.Port}/{database.Database}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await output.WriteLineAsync($"{Switch}: schema applied to {database.Host}:{database.Port}/{database.Database}").ConfigureAwait(false);
        return 0;
    }
}
