// Design: Kestrel's own minimum body data rate did not cut off a deal upload that stopped sending (measured: the
// client gave up first, a minute later), so a deal upload's body is read through this stream. Only the time the
// reader spends waiting for the client counts (time spent writing fragments to providers is the silo's, not the
// client's); once that waiting passes the grace period, the bytes received must keep up with the rate over it, or
// the request is aborted, which ends the pending read and fails the upload like any aborted one. A timer checks once
// a second, so a read that never returns is caught too.

namespace Marketplace.Silo.Api;

/// <summary>A read-only request body that must arrive at a minimum rate, else its request is aborted.</summary>
internal sealed class MinimumRateBody : ReadOnlyBodyStream
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private readonly Stream _inner;
    private readonly long _bytesPerSecond;
    private readonly TimeSpan _grace;
    private readonly TimeProvider _time;
    private readonly Action _abort;
    private readonly ITimer _timer;
    private readonly object _gate = new();
    private long _received;
    private TimeSpan _waited;
    private long _waitingSince;
    private bool _waiting;
    private int _aborted;

    /// <summary>Reads <paramref name="inner"/>; calls <paramref name="abort"/> once when, past <paramref name="grace"/>
    /// of waiting for the client, fewer than <paramref name="bytesPerSecond"/> bytes arrived per second waited.</summary>
    public MinimumRateBody(Stream inner, long bytesPerSecond, TimeSpan grace, TimeProvider time, Action abort)
    {
        _inner = inner;
        _bytesPerSecond = bytesPerSecond;
        _grace = grace;
        _time = time;
        _abort = abort;
        _timer = time.CreateTimer(static state => ((MinimumRateBody)state!).Check(), this, CheckEvery, CheckEvery);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _waiting = true;
            _waitingSince = _time.GetTimestamp();
        }

        var read = 0;
        try
        {
            read = await _inner.ReadAsync(buffer, cancellationToken);
            return read;
        }
        finally
        {
            lock (_gate)
            {
                _waiting = false;
                _waited += _time.GetElapsedTime(_waitingSince);
                _received += read;
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("the request body is read asynchronously");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        await base.DisposeAsync();
    }

    private void Check()
    {
        TimeSpan waited;
        long received;
        lock (_gate)
        {
            waited = _waiting ? _waited + _time.GetElapsedTime(_waitingSince) : _waited;
            received = _received;
        }

        if (waited > _grace && received < _bytesPerSecond * waited.TotalSeconds && Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            _abort();
        }
    }
}
