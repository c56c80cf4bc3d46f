using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Messaging;

/// <summary>
/// The <see cref="IGrainFactory"/> overloads shared by the silo and the client: each key kind is formatted into its
/// canonical string form once, here; subclasses decide only how an interface maps to a grain type.
/// </summary>
internal abstract class GrainReferenceFactory : IGrainFactory, IGrainReferenceRuntime
{
    /// <inheritdoc />
    public abstract IGrainFactory GrainFactory { get; }

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(primaryKey);
        return Create<TGrainInterface>(primaryKey, grainClassNamePrefix);
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => Create<TGrainInterface>(GrainKey.Format(primaryKey), grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey => Create<TGrainInterface>(GrainKey.Format(primaryKey), grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey => Create<TGrainInterface>(GrainKey.Format(primaryKey, keyExtension), grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey => Create<TGrainInterface>(GrainKey.Format(primaryKey, keyExtension), grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => GrainInterfaceRegistry.CreateReference<TGrainInterface>(grainId, this);

    public abstract Task<TResult> InvokeAsync<TResult>(GrainReference target, Request<TResult> request);

    public abstract Task InvokeAsync(GrainReference target, VoidRequest request);

    /// <summary>Creates a reference for <paramref name="key"/>, resolving the grain type of the interface.</summary>
    protected abstract TGrainInterface Create<TGrainInterface>(string key, string? prefix)
        where TGrainInterface : IAddressable;
}
