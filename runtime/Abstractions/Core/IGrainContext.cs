using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime;

/// <summary>The runtime side of one activation, as seen by the grain instance.</summary>
public interface IGrainContext
{
    /// <summary>The grain's identity.</summary>
    GrainId GrainId { get; }

    /// <summary>A reference to this grain (for passing "this" to other grains).</summary>
    IAddressable GrainReference { get; }

    /// <summary>The silo's services.</summary>
    IServiceProvider ActivationServices { get; }

    /// <summary>The grain factory.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>Deactivate once the current request (if any) completes; overrides any keep-alive.</summary>
    void Deactivate(DeactivationReason reason);

    /// <summary>
    /// Keep the activation alive for at least <paramref name="timeSpan"/>; <see cref="TimeSpan.Zero"/> cancels an
    /// earlier delay and <see cref="Timeout.InfiniteTimeSpan"/> keeps it until told otherwise.
    /// </summary>
    void DelayDeactivation(TimeSpan timeSpan);

    /// <summary>Creates a grain timer owned by this activation (see <see cref="GrainTimerCreationOptions"/>).</summary>
    IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options);

    /// <summary>The persistent state facet named <paramref name="stateName"/> in the storage <paramref name="storageName"/>.</summary>
    IPersistentState<TState> GetPersistentState<TState>(string stateName, string? storageName);
}
