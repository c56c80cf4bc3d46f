namespace Marketplace.Grains.Programs;

/// <summary>
/// The number of functions a WebAssembly module defines, read from its function section without compiling it: a
/// deploy check bounds it before any compile work is spent (compile time grows with the functions to compile).
/// </summary>
internal static class WasmFunctionCount
{
    private const byte FunctionSectionId = 3;

    /// <summary>The count of the module's function section (0 without one); null when the bytes are not a module's
    /// header and sections (validation then says what is wrong).</summary>
    public static long? Of(ReadOnlySpan<byte> wasm)
    {
        if (wasm.Length < 8 || !wasm[..4].SequenceEqual("\0asm"u8))
        {
            return null;
        }

        var at = 8;
        while (at < wasm.Length)
        {
            var id = wasm[at++];
            if (!TryReadU32(wasm, ref at, out var size) || size > wasm.Length - at)
            {
                return null;
            }

            if (id == FunctionSectionId)
            {
                var entry = at;
                return TryReadU32(wasm, ref entry, out var count) ? count : null;
            }

            at += (int)size;
        }

        return 0;
    }

    private static bool TryReadU32(ReadOnlySpan<byte> bytes, ref int at, out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (at >= bytes.Length)
            {
                return false;
            }

            var b = bytes[at++];
            value |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
