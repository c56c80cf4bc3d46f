using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Marketplace.Persistence.Sqlite.Tests;

/// <summary>
/// Builds providers directly (no silo) with the parts Orleans would give them: its serializer and activators.
/// </summary>
internal static class Providers
{
    private static readonly Lazy<IServiceProvider> Services = new(() => new ServiceCollection().AddSerializer().BuildServiceProvider());

    /// <summary>Orleans' binary grain state serializer over the test assembly's generated codecs.</summary>
    public static IGrainStorageSerializer Serializer { get; } = new OrleansGrainStorageSerializer(Services.Value.GetRequiredService<Serializer>());

    public static IActivatorProvider Activators => Services.Value.GetRequiredService<IActivatorProvider>();

    public static SqliteGrainStorage Storage(
        string file, string name = "sqlite", string? serviceId = "tests", bool deleteStateOnClear = false, IGrainStorageSerializer? serializer = null) => new(
        name,
        new SqliteGrainStorageOptions
        {
            ConnectionString = $"Data Source={file}",
            ServiceId = serviceId,
            DeleteStateOnClear = deleteStateOnClear,
            GrainStorageSerializer = serializer ?? Serializer,
        },
        "cluster-service",
        Activators,
        NullLogger<SqliteGrainStorage>.Instance);

    public static SqliteReminderTable Reminders(string file, string? serviceId) => new(
        new SqliteReminderTableOptions { ConnectionString = $"Data Source={file}", ServiceId = serviceId },
        "cluster-service",
        NullLogger<SqliteReminderTable>.Instance);
}
