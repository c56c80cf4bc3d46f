namespace Marketplace.Wasm;

/// <summary>WebAssembly execution trapped; <see cref="Code"/> says why.</summary>
public sealed class WasmTrap : WasmException
{
    /// <summary>Creates a trap with the default message for its code.</summary>
    public WasmTrap(TrapCode code) : this(code, DefaultMessage(code))
    {
    }

    /// <summary>Creates a trap with a specific message.</summary>
    public WasmTrap(TrapCode code, string message) : base(message)
    {
        Code = code;
    }

    /// <summary>Why execution stopped.</summary>
    public TrapCode Code { get; }

    /// <summary>The spec interpreter's wording for a trap code.</summary>
    public static string DefaultMessage(TrapCode code) => code switch
    {
        TrapCode.Unreachable => "unreachable",
        TrapCode.IntegerOverflow => "integer overflow",
        TrapCode.IntegerDivideByZero => "integer divide by zero",
        TrapCode.InvalidConversion => "invalid conversion to integer",
        TrapCode.OutOfBoundsMemory => "out of bounds memory access",
        TrapCode.OutOfBoundsTable => "out of bounds table access",
        TrapCode.IndirectCallTypeMismatch => "indirect call type mismatch",
        TrapCode.NullReference => "uninitialized element (null reference)",
        TrapCode.CallStackExhausted => "call stack exhausted",
        TrapCode.OutOfFuel => "all fuel consumed",
        TrapCode.MemoryLimitExceeded => "memory limit exceeded",
        TrapCode.Interrupted => "interrupted by the host",
        _ => code.ToString(),
    };
}
