using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>Operator actions on the silo itself: <c>POST /v1/admin/backup</c> (an online copy of the embedded silo's
/// data folder: its SQLite database, chunks, providers' fragments and keys). Operators only (<see cref="ApiOptions.Operators"/>), behind the API key like every other call.</summary>
internal static class AdminEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/admin/backup", BackupAsync)
            .WithName("BackupDatabase")
            .WithSummary("Operators only: writes a consistent copy of the silo's SQLite database (grain state and reminders) "
                + "under <data folder>/backups while the silo keeps running; 404 in PostgreSQL cluster mode.")
            .Produces<DataFolderBackup>(StatusCodes.Status201Created)
            .ProducesProblems(403, 404, 503);
    }

    private static async Task<IResult> BackupAsync(HttpContext context, IServiceProvider services, IOptions<ApiOptions> options, ILoggerFactory loggers)
    {
        if (!options.Value.Operators.Contains(ApiClient.IdOf(context)))
        {
            throw new AccessDeniedException("only the silo's operators (Marketplace:Api:Operators) may back up its database");
        }

        var backups = services.GetService<DataFolderBackups>()
            ?? throw new ApiProblemException(ProblemCodes.NotFound,
                "this silo keeps its state in PostgreSQL (Marketplace:Cluster:Mode=PostgreSql); back up that database with its own tools (pg_dump)");
        var log = loggers.CreateLogger("Marketplace.Api.Admin");
        try
        {
            var backup = await backups.CreateAsync(context.RequestAborted);
            ApiLog.DatabaseBackupWritten(log, backup.Path, backup.Bytes);
            return Results.Json(backup, MarketplaceJson.Options, statusCode: StatusCodes.Status201Created);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            // A full disk or an unwritable folder is the operator's to fix; the live database is untouched.
            ApiLog.DatabaseBackupFailed(log, failure, backups.Folder, failure.GetType().Name, failure.Message);
            throw new ApiProblemException(ProblemCodes.Unavailable, "the backup could not be written; the silo's log says why (event 6009)");
        }
    }
}
