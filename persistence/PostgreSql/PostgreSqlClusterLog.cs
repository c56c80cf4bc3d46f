using Microsoft.Extensions.Logging;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>Log events of the PostgreSQL cluster library; event ids 7200-7299 belong to it alone.</summary>
internal static partial class PostgreSqlClusterLog
{
    [LoggerMessage(EventId = 7200, Level = LogLevel.Information, Message = "Applying the PostgreSQL cluster schema ({ScriptCount} scripts) to {Database}")]
    public static partial void SchemaApplying(ILogger logger, int scriptCount, string database);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "PostgreSQL cluster schema applied to {Database} in {ElapsedMilliseconds} ms")]
    public static partial void SchemaApplied(ILogger logger, string database, long elapsedMilliseconds);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Error, Message = "PostgreSQL cluster schema script {Script} failed; the schema transaction was rolled back")]
    public static partial void SchemaScriptFailed(ILogger logger, Exception exception, string script);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Information, Message = "ApplySchemaOnStart is false: expecting the PostgreSQL cluster schema to be applied already")]
    public static partial void SchemaSkipped(ILogger logger);
}
