namespace Marketplace.Wasm;

/// <summary>Why WebAssembly execution stopped abnormally.</summary>
public enum TrapCode
{
    /// <summary>The <c>unreachable</c> instruction ran.</summary>
    Unreachable,

    /// <summary>Signed division overflow or a float-to-int conversion out of range.</summary>
    IntegerOverflow,

    /// <summary>Integer division or remainder by zero.</summary>
    IntegerDivideByZero,

    /// <summary>Float-to-int conversion of NaN.</summary>
    InvalidConversion,

    /// <summary>Memory access outside the linear memory.</summary>
    OutOfBoundsMemory,

    /// <summary>Table access outside the table.</summary>
    OutOfBoundsTable,

    /// <summary><c>call_indirect</c> found a function of another type.</summary>
    IndirectCallTypeMismatch,

    /// <summary><c>call_indirect</c> found a null table element (uninitialized element).</summary>
    NullReference,

    /// <summary>Call depth or native stack limit reached.</summary>
    CallStackExhausted,

    /// <summary>The fuel budget of the store is used up.</summary>
    OutOfFuel,

    /// <summary>A memory or table exceeds the configured limits, or the host could not allocate it.</summary>
    MemoryLimitExceeded,

    /// <summary>The host called <see cref="Store.Interrupt"/> (a deadline passed, the run was cancelled).</summary>
    Interrupted,
}
