namespace Marketplace.Wasm;

/// <summary>A module was malformed (could not be decoded) or invalid (failed validation); no code was generated.</summary>
public sealed class WasmValidationException : WasmException
{
    /// <summary>Creates the exception naming the section and the byte offset in the module.</summary>
    public WasmValidationException(string section, long offset, string reason)
        : base($"invalid module: {reason} (section '{section}', byte offset {offset})")
    {
        Section = section;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>Name of the section where the problem was found ("header", "type", "code", ...).</summary>
    public string Section { get; }

    /// <summary>Byte offset in the module binary where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>Short description of the problem.</summary>
    public string Reason { get; }
}
