namespace Marketplace.Grains.Storage;

/// <summary>
/// Counts the bytes streamed deal transfers (uploads, reads, repairs) hold in their buffers on this silo, and the
/// most they held at once since the last <see cref="Reset"/>: what <see cref="StorageOptions.TransferBufferBytes"/>
/// bounds, observable by tests and benchmarks. A singleton of the silo's services. Thread-safe.
/// </summary>
public sealed class StorageBufferMeter
{
    private readonly Lock _releasedGate = new();
    private long _held;
    private long _peak;
    private TaskCompletionSource? _released;

    /// <summary>Bytes held now.</summary>
    public long HeldBytes => Interlocked.Read(ref _held);

    /// <summary>The most bytes held at once since the last <see cref="Reset"/>.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>Completes once no bytes are held, at once when none are. A transfer gives its buffers back when its
    /// stream is disposed, which can be just after the other side has read the last byte.</summary>
    public Task WhenReleasedAsync(CancellationToken cancellationToken = default)
    {
        lock (_releasedGate)
        {
            if (HeldBytes == 0)
            {
                return Task.CompletedTask;
            }

            _released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _released.Task.WaitAsync(cancellationToken);
        }
    }

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

    internal void Release(long bytes)
    {
        if (Interlocked.Add(ref _held, -bytes) != 0)
        {
            return;
        }

        TaskCompletionSource? released;
        lock (_releasedGate)
        {
            // Another transfer may have taken buffers since: then its own release completes the wait.
            released = HeldBytes == 0 ? _released : null;
            if (released is not null)
            {
                _released = null;
            }
        }

        released?.TrySetResult();
    }
}
