namespace Marketplace.Wasm;

/// <summary>Base of every error the WebAssembly engine reports (validation, linking, traps).</summary>
public abstract class WasmException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    protected WasmException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner cause.</summary>
    protected WasmException(string message, Exception? inner) : base(message, inner)
    {
    }
}
