namespace Marketplace.Runtime.Invocation;

/// <summary>Per-method options baked in by the code generator from interface attributes.</summary>
[Flags]
public enum InvokeMethodOptions
{
    /// <summary>A normal request/response call.</summary>
    None = 0,

    /// <summary><c>[OneWay]</c>: no response.</summary>
    OneWay = 1,

    /// <summary><c>[AlwaysInterleave]</c>: may run alongside any request.</summary>
    AlwaysInterleave = 2,

    /// <summary><c>[ReadOnly]</c>: interleaves with other read-only requests.</summary>
    ReadOnly = 4,
}

/// <summary>Static description of one grain interface method, generated at build time.</summary>
public sealed class InvokableMethod
{
    /// <summary>Creates the description (generated code).</summary>
    public InvokableMethod(
        Type interfaceType,
        string interfaceName,
        string methodName,
        uint methodId,
        InvokeMethodOptions options,
        TimeSpan? responseTimeout,
        Func<Request> createRequest)
    {
        InterfaceType = interfaceType;
        InterfaceName = interfaceName;
        InterfaceId = StableHash.Of(interfaceName);
        MethodName = methodName;
        MethodId = methodId;
        Options = options;
        ResponseTimeout = responseTimeout;
        CreateRequest = createRequest;
        FullName = string.Concat(interfaceName, "/", methodName);
    }

    /// <summary>The interface type.</summary>
    public Type InterfaceType { get; }

    /// <summary>The interface's wire name: its <c>[Alias]</c>, else its full name.</summary>
    public string InterfaceName { get; }

    /// <summary>Stable hash of <see cref="InterfaceName"/>.</summary>
    public uint InterfaceId { get; }

    /// <summary>The method name.</summary>
    public string MethodName { get; }

    /// <summary>Stable method id: its <c>[Id]</c>, else a stable hash of name and parameter types.</summary>
    public uint MethodId { get; }

    /// <summary>Attribute-derived options.</summary>
    public InvokeMethodOptions Options { get; }

    /// <summary>The <c>[ResponseTimeout]</c> override, if any.</summary>
    public TimeSpan? ResponseTimeout { get; }

    /// <summary>Creates an empty request (for deserialization on the receiving silo).</summary>
    public Func<Request> CreateRequest { get; }

    /// <summary><c>Interface/Method</c>, the span and metric name.</summary>
    public string FullName { get; }

    /// <summary>True for one-way methods.</summary>
    public bool IsOneWay => (Options & InvokeMethodOptions.OneWay) != 0;

    /// <summary>True for always-interleave methods.</summary>
    public bool IsAlwaysInterleave => (Options & InvokeMethodOptions.AlwaysInterleave) != 0;

    /// <summary>True for read-only methods.</summary>
    public bool IsReadOnly => (Options & InvokeMethodOptions.ReadOnly) != 0;
}
