using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Storage;

/// <summary>At start, records this silo's providers and their public keys in the directory (placement and evidence
/// read it), then activates each provider grain, which announces the provider on the capabilities stream.</summary>
/// <remarks>The providers register side by side. A silo that starts into a busy cluster (a rolling upgrade under load)
/// can see a call go unanswered: it is asked again until the start is cancelled, as the workers' registration does.</remarks>
internal sealed partial class StorageProviderRegistration(
    IGrainFactory grains, LocalStorageProviders local, TimeProvider time, ILogger<StorageProviderRegistration> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var registrations = new List<Task>();
        foreach (var id in local.Ids)
        {
            registrations.Add(RegisterOrAbandonAsync(id, abandon));
        }

        if (registrations.Count == 0)
        {
            return;
        }

        await Task.WhenAll(registrations).ConfigureAwait(false);
        LogRegistered(log, registrations.Count, time.GetElapsedTime(started).TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // A refusal ends the start: it is logged at once and the other providers stop asking, rather than the start
    // waiting on their retries with the cause unsaid.
    private async Task RegisterOrAbandonAsync(string id, CancellationTokenSource abandon)
    {
        try
        {
            await RegisterAsync(id, abandon.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefused(log, e, id);
            await abandon.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task RegisterAsync(string id, CancellationToken cancellationToken)
    {
        var directory = grains.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey);
        var publicKey = Convert.ToHexStringLower(local.PublicKeyOf(id));
        await StartupCalls.UntilAnsweredAsync(
            async () =>
            {
                await directory.RegisterAsync(id, publicKey).WaitAsync(cancellationToken).ConfigureAwait(false);
                await grains.GetGrain<IStorageProviderGrain>(id).GetInfoAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            },
            (e, attempt) => LogRetried(log, e, id, attempt), time, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = MarketplaceEventIds.StorageProvidersRegistered, Level = LogLevel.Information, Message = "Starting: {Count} storage providers registered in {ElapsedMs:F0} ms")]
    private static partial void LogRegistered(ILogger log, int count, double elapsedMs);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageProviderRegistrationRefused, Level = LogLevel.Error, Message = "Starting: storage provider {ProviderId} could not register; the silo does not start")]
    private static partial void LogRefused(ILogger log, Exception e, string providerId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageProviderRegistrationRetried, Level = LogLevel.Warning, Message = "Starting: storage provider {ProviderId} could not register (try {Attempt}); asking again")]
    private static partial void LogRetried(ILogger log, Exception e, string providerId, int attempt);
}
