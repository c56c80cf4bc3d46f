namespace Marketplace.Grains.Storage;

/// <summary>
/// Counts the bytes streamed deal transfers (uploads, reads, repairs) hold in their buffers on this silo, and the
/// most they held at once since the last <see cref="Reset"/>: what <see cref="StorageOptions.TransferBufferBytes"/>
/// bounds, observable by tests and benchmarks. A singleton of the silo's services. Thread-safe.
/// </summary>
public sealed class StorageBufferMeter
{
    private long _held;
    private long _peak;

    /// <summary>Bytes held now.</summary>
    public long HeldBytes => Interlocked.Read(ref _held);

    /// <summary>The most bytes held at once since the last <see cref="Reset"/>.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>Starts a new peak from what is held now.</summary>
    public void Reset() => Interlocked.Exchange(ref _peak, HeldBytes);

    internal void Take(long bytes)
    {
        var held = Interlocked.Add(ref _held, bytes);
        long peak;
        while (held > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, held, peak) != peak)
        {
        }
    }

    internal void Release(long bytes) => Interlocked.Add(ref _held, -bytes);
}
