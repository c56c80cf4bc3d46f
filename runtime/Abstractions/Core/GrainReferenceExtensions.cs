using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime;

/// <summary>Reference helpers.</summary>
public static class GrainReferenceExtensions
{
    /// <summary>A reference of interface <typeparamref name="TGrainInterface"/> to this grain or reference.</summary>
    public static TGrainInterface AsReference<TGrainInterface>(this IAddressable grain)
        where TGrainInterface : IAddressable => grain switch
        {
            GrainReference r => r is TGrainInterface same ? same : r.Cast<TGrainInterface>(),
            IGrainBase g => g.GrainContext.GrainFactory.GetGrain<TGrainInterface>(g.GrainContext.GrainId),
            _ => throw new ArgumentException($"{grain?.GetType()} is neither a grain nor a grain reference.", nameof(grain)),
        };
}
