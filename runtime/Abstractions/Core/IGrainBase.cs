namespace Marketplace.Runtime;

/// <summary>
/// A grain implementation. <see cref="Grain"/> implements it; a plain class may implement it too ("POCO grain") and
/// receive its <see cref="IGrainContext"/> as a constructor parameter.
/// </summary>
public interface IGrainBase : IAddressable
{
    /// <summary>The activation this instance belongs to.</summary>
    IGrainContext GrainContext { get; }

    /// <summary>Runs after persistent state was read and before the first request is dispatched.</summary>
    Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs when the activation is deactivated gracefully (best effort; errors are logged).</summary>
    Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;
}
