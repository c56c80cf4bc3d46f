namespace Marketplace.Wasm;

/// <summary>An untyped host function: reads <paramref name="args"/> and fills every entry of <paramref name="results"/>.</summary>
public delegate void HostCallback(ReadOnlySpan<WasmValue> args, Span<WasmValue> results);
