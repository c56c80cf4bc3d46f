namespace Marketplace.GrainInterfaces;

/// <summary>Hard maxima of job requests (ONVM's sandbox maxima) and protocol sizes shared by silo and clients.</summary>
public static class JobLimits
{
    /// <summary>Largest fuel budget a job may ask for: 500,000,000.</summary>
    public const long MaxFuel = 500_000_000;

    /// <summary>Smallest memory limit other than 0 (which takes the manifest's): one WebAssembly page, 64 KiB; no
    /// program can run in less, so a smaller limit is refused at submit rather than failing on every worker.</summary>
    public const long MinMemoryBytes = 64 * 1024;

    /// <summary>Largest memory limit: 512 MiB.</summary>
    public const long MaxMemoryBytes = 512L * 1024 * 1024;

    /// <summary>Longest timeout: 300 s.</summary>
    public const long MaxTimeoutMs = 300_000;

    /// <summary>Largest inline input: 1 MiB (larger inputs go through a blob).</summary>
    public const int MaxInlineInputBytes = 1024 * 1024;

    /// <summary>Most arguments a job may pass to a WASI program: 64.</summary>
    public const int MaxArgs = 64;

    /// <summary>Most environment entries a job may pass to a WASI program: 64.</summary>
    public const int MaxEnvEntries = 64;

    /// <summary>Largest argument, or environment entry as <c>KEY=VALUE</c>, in bytes of UTF-8: 4 KiB.</summary>
    public const int MaxArgOrEnvBytes = 4096;

    /// <summary>Most workers a job's committee may have (<see cref="JobSubmission.CommitteeSize"/>).</summary>
    public const int MaxCommitteeSize = 16;
}
