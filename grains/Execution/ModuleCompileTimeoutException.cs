namespace Marketplace.Grains.Execution;

/// <summary>Compiling a module took longer than <c>ProgramOptions.MaxCompileMs</c>; the module is not cached.</summary>
internal sealed class ModuleCompileTimeoutException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModuleCompileTimeoutException(long limitMs)
        : base($"compiling the module took longer than {limitMs} ms")
    {
        LimitMs = limitMs;
    }

    /// <summary>The compile-time bound, ms.</summary>
    public long LimitMs { get; }
}
