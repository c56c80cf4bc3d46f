using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Storage;

/// <summary>At start, records this silo's providers and their public keys in the directory (placement and evidence
/// read it), then activates each provider grain, which announces the provider on the capabilities stream. Once they are
/// registered, each provider asks the deal of every fragment it holds whether it still keeps that fragment there, in
/// the background, and deletes the ones no deal keeps (a deal that ended, or was repaired elsewhere, while this silo was
/// out of reach).</summary>
/// <remarks>The providers register side by side. A silo that starts into a busy cluster (a rolling upgrade under load)
/// can see a call go unanswered: it is asked again until the start is cancelled, as the workers' registration does.</remarks>
internal sealed partial class StorageProviderRegistration(
    IGrainFactory grains, LocalStorageProviders local, TimeProvider time, ILogger<StorageProviderRegistration> log) : IHostedService, IDisposable
{
    /// <summary>How long one deal may take to answer the sweep.</summary>
    private static readonly TimeSpan SweepCallTimeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Task _sweep = Task.CompletedTask;

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
        _sweep = Task.Run(() => SweepAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _sweep.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Deletes every fragment held here that its deal no longer keeps with this provider; a fragment whose
    /// deal does not answer stays until the next start.</summary>
    private async Task SweepAsync(CancellationToken stopping)
    {
        foreach (var id in local.Ids)
        {
            if (!local.TryGet(id, out _, out var store))
            {
                continue;
            }

            int deleted = 0, kept = 0;
            foreach (var (dealId, index) in store.List())
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    if (await grains.GetGrain<IStorageDealGrain>(dealId).KeepsFragmentAsync(id, index).WaitAsync(SweepCallTimeout, stopping).ConfigureAwait(false))
                    {
                        kept++;
                    }
                    else
                    {
                        store.Delete(dealId, index);
                        deleted++;
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Whatever kept the answer away (a busy or restarting cluster, a deal whose state cannot be read,
                    // a file in use), the fragment stays: deleting is only ever done on the deal's own word.
                    LogSweepSkipped(log, e, id, dealId, index);
                }
            }

            LogSwept(log, id, deleted, kept);
        }
    }

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

    [LoggerMessage(EventId = MarketplaceEventIds.StorageFragmentsSwept, Level = LogLevel.Information, Message = "Storage provider {ProviderId}: {Deleted} fragments no deal keeps here deleted, {Kept} kept")]
    private static partial void LogSwept(ILogger log, string providerId, int deleted, int kept);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageFragmentSweepSkipped, Level = LogLevel.Warning, Message = "Storage provider {ProviderId}: deal {DealId} did not answer for fragment {Index}; it stays until the next start")]
    private static partial void LogSweepSkipped(ILogger log, Exception e, string providerId, string dealId, int index);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageProvidersRegistered, Level = LogLevel.Information, Message = "Starting: {Count} storage providers registered in {ElapsedMs:F0} ms")]
    private static partial void LogRegistered(ILogger log, int count, double elapsedMs);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageProviderRegistrationRefused, Level = LogLevel.Error, Message = "Starting: storage provider {ProviderId} could not register; the silo does not start")]
    private static partial void LogRefused(ILogger log, Exception e, string providerId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageProviderRegistrationRetried, Level = LogLevel.Warning, Message = "Starting: storage provider {ProviderId} could not register (try {Attempt}); asking again")]
    private static partial void LogRetried(ILogger log, Exception e, string providerId, int attempt);
}
