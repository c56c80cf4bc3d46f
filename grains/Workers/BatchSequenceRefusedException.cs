namespace Marketplace.Grains.Workers;

/// <summary>The worker was asked to sign a receipt batch under a sequence number it already used (or one below it)
/// (<see cref="SignIntentLog.RecordBatchRoot"/>): it signs nothing, since two roots under one sequence number are
/// evidence against it.</summary>
public sealed class BatchSequenceRefusedException : Exception
{
    /// <summary>Creates the exception for batch <paramref name="sequence"/> when <paramref name="last"/> was the last one
    /// recorded.</summary>
    public BatchSequenceRefusedException(long sequence, long last)
        : base($"refused to sign receipt batch {sequence}: this worker already signed batches up to {last}, and never signs two roots under one sequence number")
    {
        Sequence = sequence;
    }

    /// <summary>Creates the exception (for tooling).</summary>
    public BatchSequenceRefusedException()
        : base("refused to sign a receipt batch under a used sequence number")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BatchSequenceRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public BatchSequenceRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The refused sequence number.</summary>
    public long Sequence { get; }
}
