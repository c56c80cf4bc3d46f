using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Marketplace.Runtime.Invocation;

/// <summary>
/// Proxies and methods of every grain interface, registered by generated module initializers. Typed proxy creation
/// is a static generic field read; lookups by wire id serve the receiving side of remote calls.
/// </summary>
public static class GrainInterfaceRegistry
{
    private static readonly ConcurrentDictionary<Type, Func<GrainId, IGrainReferenceRuntime, GrainReference>> ByType = new();
    private static readonly ConcurrentDictionary<string, Func<GrainId, IGrainReferenceRuntime, GrainReference>> ByName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<ulong, InvokableMethod> Methods = new();

    /// <summary>Registers a grain interface's proxy factory (generated code).</summary>
    public static void RegisterInterface<TInterface>(string interfaceName, Func<GrainId, IGrainReferenceRuntime, GrainReference> proxyFactory)
        where TInterface : IAddressable
    {
        ArgumentNullException.ThrowIfNull(proxyFactory);
        ProxyFactory<TInterface>.Create ??= proxyFactory;
        ByType.TryAdd(typeof(TInterface), proxyFactory);
        ByName.TryAdd(interfaceName, proxyFactory);
    }

    /// <summary>Registers a method (generated code).</summary>
    public static void RegisterMethod(InvokableMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        Methods.TryAdd(Key(method.InterfaceId, method.MethodId), method);
    }

    /// <summary>Finds a method by wire ids; null when unknown.</summary>
    public static InvokableMethod? FindMethod(uint interfaceId, uint methodId) =>
        Methods.TryGetValue(Key(interfaceId, methodId), out var m) ? m : null;

    /// <summary>Creates a typed proxy.</summary>
    /// <exception cref="GrainTypeNotFoundException">No proxy was generated for the interface.</exception>
    internal static TInterface CreateReference<TInterface>(GrainId id, IGrainReferenceRuntime runtime)
        where TInterface : IAddressable
    {
        var factory = ProxyFactory<TInterface>.Create ?? Load<TInterface>();
        return (TInterface)(object)factory(id, runtime);
    }

    /// <summary>Creates a proxy for an interface type known at run time (deserialization).</summary>
    internal static GrainReference CreateReference(Type interfaceType, string? interfaceName, GrainId id, IGrainFactory factory)
    {
        var runtime = factory as IGrainReferenceRuntime
            ?? throw new GrainSerializationException("The codec context's grain factory cannot create references.");
        if (ByType.TryGetValue(interfaceType, out var create) || (interfaceName is not null && ByName.TryGetValue(interfaceName, out create)))
        {
            return create(id, runtime);
        }

        RuntimeHelpers.RunModuleConstructor(interfaceType.Module.ModuleHandle);
        if (ByType.TryGetValue(interfaceType, out create) || (interfaceName is not null && ByName.TryGetValue(interfaceName, out create)))
        {
            return create(id, runtime);
        }

        throw new GrainTypeNotFoundException($"No grain reference proxy for {interfaceName ?? interfaceType.FullName}: was the code generator run on its assembly?");
    }

    private static Func<GrainId, IGrainReferenceRuntime, GrainReference> Load<TInterface>()
    {
        RuntimeHelpers.RunModuleConstructor(typeof(TInterface).Module.ModuleHandle);
        return ProxyFactory<TInterface>.Create
            ?? throw new GrainTypeNotFoundException($"No grain reference proxy for {typeof(TInterface).FullName}: was the code generator run on its assembly (Analyzer reference to Marketplace.Runtime.CodeGenerator)?");
    }

    private static ulong Key(uint interfaceId, uint methodId) => ((ulong)interfaceId << 32) | methodId;

    private static class ProxyFactory<T>
    {
        public static Func<GrainId, IGrainReferenceRuntime, GrainReference>? Create;
    }
}
