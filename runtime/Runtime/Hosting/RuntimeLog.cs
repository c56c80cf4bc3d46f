using Microsoft.Extensions.Logging;

namespace Marketplace.Runtime.Hosting;

/// <summary>The runtime's log events.</summary>
internal sealed partial class RuntimeLog(ILogger logger)
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Activation of {GrainId} failed")]
    public partial void ActivationFailed(Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed")]
    public partial void DeactivationCallbackFailed(Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "One-way call {Method} on {GrainId} failed")]
    public partial void OneWayFailed(Exception exception, string method, GrainId grainId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Storage operation on state {StateName} of {GrainId} failed during deactivation")]
    public partial void StateFlushFailed(Exception exception, string stateName, GrainId grainId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Silo {Silo} started")]
    public partial void SiloStarted(string silo);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Silo {Silo} stopped; {Count} activations deactivated")]
    public partial void SiloStopped(string silo, int count);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Reminder {Reminder} of {GrainId} failed")]
    public partial void ReminderFailed(Exception exception, string reminder, GrainId grainId);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Reading the reminder table failed")]
    public partial void ReminderTableFailed(Exception exception);
}
