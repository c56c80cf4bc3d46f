using System.Text.Json.Serialization;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>Operator actions on the silo itself: <c>POST /v1/admin/backup</c> (an online copy of the embedded SQLite
/// database). Operators only (<see cref="ApiOptions.Operators"/>), behind the API key like every other call.</summary>
internal static class AdminEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/admin/backup", BackupAsync)
            .WithName("BackupDatabase")
            .WithSummary("Operators only: writes a consistent copy of the silo's SQLite database (grain state and reminders) "
                + "under <data folder>/backups while the silo keeps running; 404 in PostgreSQL cluster mode.")
            .Produces<DatabaseBackupInfo>(StatusCodes.Status201Created)
            .ProducesProblems(403, 404, 503);
    }

    private static async Task<IResult> BackupAsync(HttpContext context, IServiceProvider services, IOptions<ApiOptions> options, ILoggerFactory loggers)
    {
        if (!options.Value.Operators.Contains(ApiClient.IdOf(context)))
        {
            throw new AccessDeniedException("only the silo's operators (Marketplace:Api:Operators) may back up its database");
        }

        var backups = services.GetService<DatabaseBackups>()
            ?? throw new ApiProblemException(ProblemCodes.NotFound,
                "this silo keeps its state in PostgreSQL (Marketplace:Cluster:Mode=PostgreSql); back up that database with its own tools (pg_dump)");
        var log = loggers.CreateLogger("Marketplace.Api.Admin");
        try
        {
            var (path, bytes, createdAt) = await backups.CreateAsync(context.RequestAborted);
            ApiLog.DatabaseBackupWritten(log, path, bytes);
            return Results.Json(
                new DatabaseBackupInfo { Path = path, Bytes = bytes, CreatedAt = createdAt },
                MarketplaceJson.Options,
                statusCode: StatusCodes.Status201Created);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            // A full disk or an unwritable folder is the operator's to fix; the live database is untouched.
            ApiLog.DatabaseBackupFailed(log, failure, backups.Folder, failure.GetType().Name, failure.Message);
            throw new ApiProblemException(ProblemCodes.Unavailable, "the backup could not be written; the silo's log says why (event 6009)");
        }
    }
}

/// <summary>Answer of <c>POST /v1/admin/backup</c>.</summary>
internal sealed class DatabaseBackupInfo
{
    /// <summary>The absolute path of the backup file on the silo's machine.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Its size in bytes.</summary>
    [JsonPropertyName("bytes")]
    public long Bytes { get; init; }

    /// <summary>When the copy began: it holds every commit before this instant.</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }
}
