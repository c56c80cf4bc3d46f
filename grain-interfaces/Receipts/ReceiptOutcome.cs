namespace Marketplace.GrainInterfaces;

/// <summary>How a receipted run ended; one byte in the receipt's encoding.</summary>
/// <remarks>Only endings that follow from the program, its input, state and invocation and the fuel budget are
/// receipted, so that anyone replaying the run on the same engine gets the same ending. Runs stopped by the wall
/// clock, a cancel, a lost worker, a state conflict or a memory limit get no receipt.</remarks>
public enum ReceiptOutcome : byte
{
    /// <summary>The program returned; its output is the job's output and its state writes were committed.</summary>
    Completed = 1,

    /// <summary>The fuel budget ran out; nothing was written, there is no output.</summary>
    OutOfFuel = 2,

    /// <summary>The program trapped (a WebAssembly trap, a host trap, a bad output range); nothing was written.</summary>
    Trapped = 3,

    /// <summary>A WASI program called <c>proc_exit</c> with a non-zero code; nothing was written.</summary>
    Exited = 4,
}
