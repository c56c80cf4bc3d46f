namespace Marketplace.Wasm;

/// <summary>The .NET JIT refused a compiled function (an implementation limit such as an extremely large function).</summary>
public sealed class WasmCompilationException : WasmException
{
    /// <summary>Creates the exception.</summary>
    public WasmCompilationException(string message, Exception inner) : base(message, inner)
    {
    }
}
