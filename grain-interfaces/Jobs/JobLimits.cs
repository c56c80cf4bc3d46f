namespace Marketplace.GrainInterfaces;

/// <summary>Hard maxima of job requests (ONVM's sandbox maxima) and protocol sizes shared by silo and clients.</summary>
public static class JobLimits
{
    /// <summary>Largest fuel budget a job may ask for: 500,000,000.</summary>
    public const long MaxFuel = 500_000_000;

    /// <summary>Largest memory limit: 512 MiB.</summary>
    public const long MaxMemoryBytes = 512L * 1024 * 1024;

    /// <summary>Longest timeout: 300 s.</summary>
    public const long MaxTimeoutMs = 300_000;

    /// <summary>Largest inline input: 1 MiB (larger inputs go through a blob).</summary>
    public const int MaxInlineInputBytes = 1024 * 1024;
}
