using Marketplace.Runtime.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Runtime.Catalog;

/// <summary>
/// Deactivates activations idle for longer than <see cref="GrainCollectionOptions.CollectionAge"/> (or their class's
/// <see cref="CollectionAgeLimitAttribute"/>), checking every <see cref="GrainCollectionOptions.CollectionQuantum"/>.
/// </summary>
internal sealed class ActivationCollector : IDisposable
{
    private readonly GrainCatalog _catalog;
    private readonly GrainCollectionOptions _options;
    private readonly Timer _timer;

    public ActivationCollector(GrainCatalog catalog, IOptions<GrainCollectionOptions> options)
    {
        _catalog = catalog;
        _options = options.Value;
        _timer = new Timer(static s => ((ActivationCollector)s!).Collect(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public void Start() => _timer.Change(_options.CollectionQuantum, _options.CollectionQuantum);

    public void Collect()
    {
        var now = Environment.TickCount64;
        foreach (var target in _catalog.Targets)
        {
            target.CollectIfIdle(now, _options.CollectionAge);
        }
    }

    public void Dispose() => _timer.Dispose();
}
