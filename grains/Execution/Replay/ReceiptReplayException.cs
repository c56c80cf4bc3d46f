namespace Marketplace.Grains.Execution;

/// <summary>Why a replay could not start: the bytes given are not the ones the receipt names, or the request is not
/// one the sandbox can run.</summary>
public enum ReceiptReplayRefusal
{
    /// <summary>SHA-256 of the module given is not the receipt's <c>wasm_hash</c>.</summary>
    WasmHashMismatch,

    /// <summary>SHA-256 of the input given is not the receipt's <c>input_hash</c>.</summary>
    InputHashMismatch,

    /// <summary>The module does not compile on the replay engine, or the request's values are out of range.</summary>
    InvalidProgram,

    /// <summary>The state given is not the one the receipt names: its root is not the receipt's
    /// <c>state_root_in</c>.</summary>
    StateRootMismatch,
}

/// <summary>A replay refused before the program ran (<see cref="Refusal"/> says why).</summary>
public sealed class ReceiptReplayException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReceiptReplayException(ReceiptReplayRefusal refusal, string message)
        : base(message) => Refusal = refusal;

    /// <summary>Creates the exception (for serializers and analyzers; the refusal is <see cref="ReceiptReplayRefusal.InvalidProgram"/>).</summary>
    public ReceiptReplayException()
        : this(ReceiptReplayRefusal.InvalidProgram, "the replay was refused")
    {
    }

    /// <summary>Creates the exception with a message (the refusal is <see cref="ReceiptReplayRefusal.InvalidProgram"/>).</summary>
    public ReceiptReplayException(string message)
        : this(ReceiptReplayRefusal.InvalidProgram, message)
    {
    }

    /// <summary>Creates the exception with a message and cause (the refusal is <see cref="ReceiptReplayRefusal.InvalidProgram"/>).</summary>
    public ReceiptReplayException(string message, Exception innerException)
        : base(message, innerException) => Refusal = ReceiptReplayRefusal.InvalidProgram;

    /// <summary>Why the replay was refused.</summary>
    public ReceiptReplayRefusal Refusal { get; }
}
