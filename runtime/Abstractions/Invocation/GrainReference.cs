namespace Marketplace.Runtime.Invocation;

/// <summary>Sends requests for grain references (implemented by the runtime and by the client).</summary>
public interface IGrainReferenceRuntime
{
    /// <summary>The factory this runtime hands out references from.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>Sends a request with a result.</summary>
    Task<TResult> InvokeAsync<TResult>(GrainReference target, Request<TResult> request);

    /// <summary>Sends a request without result (or a one-way request).</summary>
    Task InvokeAsync(GrainReference target, VoidRequest request);
}

/// <summary>
/// Base of generated grain proxies: a location-independent handle (grain id + interface) that turns method calls into
/// requests. References compare equal when their grain ids are equal, serialize, and can be stored in state.
/// </summary>
public abstract class GrainReference : IAddressable, IEquatable<GrainReference>
{
    /// <summary>Creates the reference.</summary>
    protected GrainReference(GrainId grainId, IGrainReferenceRuntime runtime)
    {
        GrainId = grainId;
        Runtime = runtime;
    }

    /// <summary>The target grain.</summary>
    public GrainId GrainId { get; }

    /// <summary>The runtime that sends this reference's requests.</summary>
    public IGrainReferenceRuntime Runtime { get; }

    /// <summary>The interface's wire name.</summary>
    public abstract string InterfaceName { get; }

    /// <summary>The interface type.</summary>
    public abstract Type InterfaceType { get; }

    /// <summary>Sends a request with a result.</summary>
    protected Task<TResult> InvokeAsync<TResult>(Request<TResult> request) => Runtime.InvokeAsync(this, request);

    /// <summary>Sends a request without result.</summary>
    protected Task InvokeAsync(VoidRequest request) => Runtime.InvokeAsync(this, request);

    /// <summary>This grain as another of its interfaces.</summary>
    public TGrainInterface Cast<TGrainInterface>()
        where TGrainInterface : IAddressable => Runtime.GrainFactory.GetGrain<TGrainInterface>(GrainId);

    /// <inheritdoc />
    public bool Equals(GrainReference? other) => other is not null && GrainId.Equals(other.GrainId);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GrainReference other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => GrainId.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"{InterfaceName}:{GrainId}";
}
