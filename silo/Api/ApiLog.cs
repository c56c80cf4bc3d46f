using Marketplace.Grains;

namespace Marketplace.Silo.Api;

/// <summary>The HTTP API's log events (ids in <see cref="MarketplaceEventIds"/>).</summary>
internal static partial class ApiLog
{
    [LoggerMessage(EventId = MarketplaceEventIds.RequestFailed, Level = LogLevel.Error, Message = "{Method} {Path} failed with {Code} (trace {TraceId})")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path, string code, string traceId);

    [LoggerMessage(EventId = MarketplaceEventIds.RequestFailedAfterResponseStarted, Level = LogLevel.Warning, Message = "{Method} {Path} failed with {Code} after the response started; aborting it ({ExceptionType}: {Reason})")]
    public static partial void RequestFailedAfterResponseStarted(ILogger logger, string method, string path, string code, string exceptionType, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.RequestRefused, Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status} {Code} ({ExceptionType}: {Reason}) (trace {TraceId})")]
    public static partial void RequestRefused(ILogger logger, string method, string path, int status, string code, string exceptionType, string reason, string traceId);

    [LoggerMessage(EventId = MarketplaceEventIds.UploadAbortFailed, Level = LogLevel.Warning, Message = "Aborting a failed blob upload failed too; its chunks are left for collection")]
    public static partial void UploadAbortFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = MarketplaceEventIds.ReadinessCheckFailed, Level = LogLevel.Warning, Message = "Readiness check {Check} failed ({ExceptionType}: {Reason})")]
    public static partial void ReadinessCheckFailed(ILogger logger, Exception exception, string check, string exceptionType, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.SiloListening, Level = LogLevel.Information, Message = "Silo ready: HTTP API {HttpApi}, grain gateway {Gateway}, dashboard {Dashboard}")]
    public static partial void SiloListening(ILogger logger, string httpApi, string gateway, string dashboard);

    [LoggerMessage(EventId = MarketplaceEventIds.DatabaseBackupWritten, Level = LogLevel.Information, Message = "Backup of the data folder written to {Path} ({Bytes} bytes)")]
    public static partial void DatabaseBackupWritten(ILogger logger, string path, long bytes);

    [LoggerMessage(EventId = MarketplaceEventIds.DatabaseBackupFailed, Level = LogLevel.Error, Message = "Database backup under {Folder} failed ({ExceptionType}: {Reason})")]
    public static partial void DatabaseBackupFailed(ILogger logger, Exception exception, string folder, string exceptionType, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.WarmStartDone, Level = LogLevel.Information, Message = "HTTP pipeline warmed in memory before listening: {Requests} requests in {Milliseconds} ms (statuses {Statuses})")]
    public static partial void WarmStartDone(ILogger logger, int requests, long milliseconds, string statuses);

    [LoggerMessage(EventId = MarketplaceEventIds.WarmStartRequestFailed, Level = LogLevel.Warning, Message = "Warm-start request {Method} {Path} failed ({ExceptionType}: {Reason}); the API listens anyway")]
    public static partial void WarmStartRequestFailed(ILogger logger, string method, string path, string exceptionType, string reason);
}
