using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Telemetry;
using Marketplace.Runtime.Timers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Runtime.Hosting;

/// <summary>
/// Starts the silo's background services (idle collection, reminders) and, on shutdown, stops reminders, deactivates
/// every activation (running <c>OnDeactivateAsync</c> and waiting for in-flight state writes) and fails calls still
/// pending.
/// </summary>
internal sealed class SiloHostedService(
    SiloRuntimeClient runtime,
    ReminderService reminders,
    IOptions<GrainCollectionOptions> collection,
    IOptions<SiloOptions> silo) : IHostedService, IDisposable
{
    private readonly ActivationCollector _collector = new(runtime.Catalog, collection);
    private readonly Func<long> _queueLength = () => runtime.Catalog.TotalQueueLength;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RuntimeInstruments.AddQueueSource(_queueLength);
        _collector.Start();
        await reminders.StartAsync(cancellationToken);
        runtime.Log.SiloStarted(runtime.LocalSilo.ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await reminders.StopAsync();
        _collector.Dispose();
        var count = runtime.Catalog.Count;
        await runtime.Catalog.DeactivateAllAsync(silo.Value.ShutdownTimeout);
        runtime.Tracker.FailAll(new SiloUnavailableException($"Silo {runtime.LocalSilo} stopped before the response arrived."));
        RuntimeInstruments.RemoveQueueSource(_queueLength);
        runtime.Log.SiloStopped(runtime.LocalSilo.ToString(), count);
    }

    public void Dispose()
    {
        _collector.Dispose();
        runtime.Dispose();
    }
}
