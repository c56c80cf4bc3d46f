// Applies the schema as a silo lifecycle step, ahead of every provider that reads it.
//
// Orleans reads the tables at these silo lifecycle stages: the membership table when MembershipTableManager starts
// (RuntimeGrainServices, 8000), the reminder table when the reminder service starts (RuntimeGrainServices), and
// the stored queries of grain storage at AdoNetGrainStorageOptions.InitStage (ApplicationServices, 10000). Running
// just before RuntimeInitialize (2000) puts the schema in place before any of them, and before the silo opens its
// ports, so a silo that cannot reach PostgreSQL fails fast and never joins.
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>The silo lifecycle participant that applies <see cref="PostgreSqlSchema"/> when the silo starts.</summary>
internal sealed class PostgreSqlSchemaInitializer(
    IOptions<PostgreSqlClusterOptions> options,
    ILogger<PostgreSqlSchemaInitializer> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The lifecycle stage the schema is applied at.</summary>
    internal const int Stage = ServiceLifecycleStage.RuntimeInitialize - 1;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PostgreSqlSchemaInitializer), Stage, OnStartAsync);

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (!value.ApplySchemaOnStart)
        {
            PostgreSqlClusterLog.SchemaSkipped(logger);
            return Task.CompletedTask;
        }

        return PostgreSqlSchema.ApplyAsync(value.ConnectionString, logger, cancellationToken);
    }
}
