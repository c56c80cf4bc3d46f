namespace Marketplace.Persistence.Sqlite;

/// <summary>Checks shared by the options validators.</summary>
internal static class OptionChecks
{
    /// <summary>Longest service id accepted (the width of Orleans' ServiceId columns).</summary>
    public const int MaxServiceIdLength = 150;

    /// <summary>Why a service id override is unusable, or null (null means "use the cluster's").</summary>
    public static string? ServiceIdProblem(string? serviceId) =>
        serviceId is null ? null
        : string.IsNullOrWhiteSpace(serviceId) ? "is blank; leave it null to use ClusterOptions.ServiceId"
        : serviceId.Length > MaxServiceIdLength ? $"has {serviceId.Length} characters, more than {MaxServiceIdLength}"
        : null;

    /// <summary>Why a busy timeout is unusable, or null.</summary>
    public static string? BusyTimeoutProblem(TimeSpan busyTimeout) =>
        busyTimeout < TimeSpan.Zero ? "is negative"
        : busyTimeout > TimeSpan.FromHours(24) ? "is longer than 24 hours"
        : null;
}
