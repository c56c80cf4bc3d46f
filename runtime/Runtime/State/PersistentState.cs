using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Runtime.State;

/// <summary>The runtime's hooks into a state facet.</summary>
internal interface IPersistentStateFacet
{
    /// <summary>Reads the state before <c>OnActivateAsync</c>.</summary>
    Task ReadOnActivateAsync();

    /// <summary>Waits for a storage operation still in flight (graceful shutdown).</summary>
    Task FlushAsync(RuntimeLog log, GrainId grainId);
}

/// <summary>
/// One named state of one grain in one storage provider (a keyed <see cref="IGrainStorage"/> singleton).
/// Holds value, ETag and existence; the provider enforces ETag concurrency.
/// </summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IGrainState<TState>, IPersistentStateFacet
{
    private readonly string _stateName;
    private readonly string _storageName;
    private readonly GrainId _grainId;
    private readonly IServiceProvider _services;
    private IGrainStorage? _storage;
    private Task _last = Task.CompletedTask;

    public PersistentState(string stateName, string storageName, GrainId grainId, IServiceProvider services)
    {
        _stateName = stateName;
        _storageName = storageName;
        _grainId = grainId;
        _services = services;
        State = CreateDefault();
    }

    public TState State { get; set; }

    public string? ETag { get; set; }

    public string? Etag => ETag;

    public bool RecordExists { get; set; }

    private IGrainStorage Storage => _storage ??= _services.GetKeyedService<IGrainStorage>(_storageName)
        ?? throw new GrainRuntimeException($"No grain storage named '{_storageName}' is registered (state '{_stateName}' of {_grainId}). Register one, e.g. AddMemoryGrainStorage(\"{_storageName}\").");

    public Task ReadStateAsync() => Track(Storage.ReadStateAsync(_stateName, _grainId, this));

    public Task WriteStateAsync() => Track(Storage.WriteStateAsync(_stateName, _grainId, this));

    public async Task ClearStateAsync()
    {
        await Track(Storage.ClearStateAsync(_stateName, _grainId, this));
        State = CreateDefault();
    }

    public Task ReadOnActivateAsync() => ReadStateAsync();

    public async Task FlushAsync(RuntimeLog log, GrainId grainId)
    {
        try
        {
            await _last;
        }
        catch (Exception exception)
        {
            // The grain already observed this failure through its own await; at deactivation it is only recorded.
            log.StateFlushFailed(exception, _stateName, grainId);
        }
    }

    private Task Track(Task operation)
    {
        _last = operation;
        return operation;
    }

    private static TState CreateDefault()
    {
        if (typeof(TState).IsValueType || typeof(TState) == typeof(string) || typeof(TState).IsAbstract || typeof(TState).IsInterface
            || typeof(TState).GetConstructor(Type.EmptyTypes) is null)
        {
            return default!;
        }

        return Activator.CreateInstance<TState>();
    }
}
