namespace Marketplace.Grains.Workers;

/// <summary>The worker was asked to sign a result for a job it already claimed another result for
/// (<see cref="SignIntentLog"/>): it signs nothing, and the attempt is reported without a receipt, as a failure.</summary>
public sealed class DoubleSignRefusedException : Exception
{
    /// <summary>Creates the exception for <paramref name="jobId"/> with the claimed and the asked-for result digests.</summary>
    public DoubleSignRefusedException(string jobId, byte[] claimedDigest, byte[] requestedDigest)
        : base($"refused to sign result {Convert.ToHexStringLower(requestedDigest)} for job {jobId}: this worker already claimed result {Convert.ToHexStringLower(claimedDigest)} for it")
    {
        JobId = jobId;
    }

    /// <summary>Creates the exception (for tooling).</summary>
    public DoubleSignRefusedException()
        : base("refused to sign a second result for a job")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DoubleSignRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public DoubleSignRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The job.</summary>
    public string JobId { get; } = "";
}
