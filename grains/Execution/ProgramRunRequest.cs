namespace Marketplace.Grains.Execution;

/// <summary>One attempt to run.</summary>
internal sealed class ProgramRunRequest
{
    /// <summary>The program id.</summary>
    public required string ProgramId { get; init; }

    /// <summary>The input bytes.</summary>
    public required ReadOnlyMemory<byte> Input { get; init; }

    /// <summary>Fuel budget.</summary>
    public required long MaxFuel { get; init; }

    /// <summary>Linear-memory limit, bytes.</summary>
    public required long MaxMemoryBytes { get; init; }

    /// <summary>Wall-clock limit.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>For log lines: the job and attempt this run belongs to (optional).</summary>
    public string? JobId { get; init; }
}
