using Marketplace.Runtime.Persistence;
using Marketplace.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Runtime.Hosting;

/// <summary>Registers named grain storage providers as keyed <see cref="IGrainStorage"/> services.</summary>
/// <remarks>
/// The runtime resolves a grain's storage with <c>GetRequiredKeyedService&lt;IGrainStorage&gt;(name)</c>; grains that
/// name no storage use <see cref="DefaultStorageName"/>. Payloads are serialized with the
/// <see cref="IGrainStorageSerializer"/> service unless a storage's options name another serializer.
/// </remarks>
public static class GrainStorageServiceCollectionExtensions
{
    /// <summary>The storage name used when a grain's persistent state names no storage.</summary>
    public const string DefaultStorageName = "Default";

    /// <summary>
    /// Adds a SQL grain storage (SQLite or PostgreSQL) named <paramref name="name"/>; its schema is applied when the
    /// host starts (with <see cref="AdoNetGrainStorageOptions.CreateSchema"/>) and failures stop the start.
    /// </summary>
    public static IServiceCollection AddAdoNetGrainStorage(
        this IServiceCollection services, string name, Action<AdoNetGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AdoNetGrainStorageOptions>(name).Configure(configure);
        services.AddKeyedSingleton<IGrainStorage>(name, (provider, _) => new AdoNetGrainStorage(
            name,
            provider.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(name),
            provider.GetService<IGrainStorageSerializer>()));
        services.AddSingleton<IHostedService>(provider =>
            new StorageSchemaStartup(ct => provider.GetRequiredKeyedService<IGrainStorage>(name) is AdoNetGrainStorage storage
                ? storage.InitializeAsync(ct)
                : Task.CompletedTask));
        return services;
    }

    /// <summary>Adds an in-memory grain storage named <paramref name="name"/> (tests and development).</summary>
    public static IServiceCollection AddMemoryGrainStorage(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        services.AddKeyedSingleton<IGrainStorage>(name, (provider, _) => new MemoryGrainStorage(
            name,
            provider.GetService<IGrainStorageSerializer>() ?? throw new InvalidOperationException(
                $"Memory storage '{name}' needs an IGrainStorageSerializer service; register one (the runtime registers the binary serializer).")));
        return services;
    }
}
