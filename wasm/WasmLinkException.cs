namespace Marketplace.Wasm;

/// <summary>Instantiation failed while resolving imports (unknown import or incompatible import type) or on a resource limit.</summary>
public sealed class WasmLinkException : WasmException
{
    /// <summary>Creates the exception.</summary>
    public WasmLinkException(string message) : base(message)
    {
    }
}
