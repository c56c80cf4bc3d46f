using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime;

/// <summary>
/// Base class for grains. The runtime creates instances (never <c>new</c> them yourself); the parameterless
/// constructor picks up the activation being created.
/// </summary>
public abstract class Grain : IGrainBase
{
    /// <summary>Binds the instance to the activation the runtime is currently creating.</summary>
    /// <exception cref="InvalidOperationException">Constructed outside the runtime.</exception>
    protected Grain()
    {
        GrainContext = GrainContextAmbient.Constructing
            ?? throw new InvalidOperationException("Grains are created by the runtime; use IGrainFactory.GetGrain to obtain a reference.");
    }

    /// <summary>Binds the instance to an explicit context (for tests and POCO-style construction).</summary>
    protected Grain(IGrainContext grainContext)
    {
        ArgumentNullException.ThrowIfNull(grainContext);
        GrainContext = grainContext;
    }

    /// <inheritdoc />
    public IGrainContext GrainContext { get; }

    /// <summary>The grain factory, for calling other grains.</summary>
    protected IGrainFactory GrainFactory => GrainContext.GrainFactory;

    /// <summary>The silo's services.</summary>
    protected IServiceProvider ServiceProvider => GrainContext.ActivationServices;

    /// <summary>A reference to this grain.</summary>
    public IAddressable GrainReference => GrainContext.GrainReference;

    /// <summary>The grain id as text.</summary>
    public string IdentityString => GrainContext.GrainId.ToString();

    /// <inheritdoc />
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivate after the current request completes, overriding any keep-alive.</summary>
    protected void DeactivateOnIdle() =>
        GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called."));

    /// <summary>Keep the activation alive for at least <paramref name="timeSpan"/> (see <see cref="IGrainContext.DelayDeactivation"/>).</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => GrainContext.DelayDeactivation(timeSpan);

    /// <summary>Registers a grain timer (see <see cref="GrainTimerCreationOptions"/>).</summary>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options) =>
        GrainContext.RegisterGrainTimer(callback, state, options);

    /// <summary>Registers a grain timer without state.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return GrainContext.RegisterGrainTimer(static (cb, ct) => cb(ct), callback, options);
    }

    /// <summary>Registers a grain timer with due time and period (ticks are non-interleaving and do not keep the grain alive).</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        RegisterGrainTimer(callback, new GrainTimerCreationOptions(dueTime, period));
}

/// <summary>
/// A grain with one persistent state named "state", stored in the storage named by <see cref="StorageProviderAttribute"/>
/// (or "Default").
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
public abstract class Grain<TState> : Grain
{
    private readonly IPersistentState<TState> _storage;

    /// <summary>Binds the instance to the activation being created and attaches its state.</summary>
    protected Grain()
    {
        _storage = GrainContext.GetPersistentState<TState>("state", GrainContextAmbient.ConstructingStorageName);
    }

    /// <summary>The state (read before <see cref="Grain.OnActivateAsync"/>).</summary>
    protected TState State
    {
        get => _storage.State;
        set => _storage.State = value;
    }

    /// <summary>Reads the state from storage.</summary>
    protected Task ReadStateAsync() => _storage.ReadStateAsync();

    /// <summary>Writes the state with ETag checking.</summary>
    protected Task WriteStateAsync() => _storage.WriteStateAsync();

    /// <summary>Clears the state with ETag checking.</summary>
    protected Task ClearStateAsync() => _storage.ClearStateAsync();
}

/// <summary>Names the storage used by a <see cref="Grain{TState}"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class StorageProviderAttribute : Attribute
{
    /// <summary>The storage name; "Default" when not set.</summary>
    public string ProviderName { get; set; } = "Default";
}

/// <summary>The activation being constructed on this thread, set by the runtime around the grain constructor.</summary>
internal static class GrainContextAmbient
{
    [ThreadStatic]
    internal static IGrainContext? Constructing;

    [ThreadStatic]
    internal static string? ConstructingStorageName;
}
