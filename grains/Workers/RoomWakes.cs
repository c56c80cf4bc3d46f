// Design: the wake side of WorkerWaitlist and RoomHolds. When room opens on a worker (a queued attempt starts, or a
// slot goes idle) the next job on the silo's waitlist is told and a room is held for it. A job that answers it has no
// use for the room (it ran elsewhere, or finished) passes the wake to the next one at once, up to WakeTries jobs. A
// job that answers it will offer itself again but is not admitted here before its hold runs out (it ran on another
// worker, or its bid was turned away for its client's share) passes the wake on when the hold runs out: without that,
// a worker that went idle while its room was held for such a job would tell no one, and the jobs left on its list
// would wait for their backoff polls.

namespace Marketplace.Grains.Workers;

/// <summary>Tells the jobs waiting on a silo's list that one worker has room, holding the room for each job told.</summary>
internal sealed class RoomWakes
{
    /// <summary>Waiting jobs told at most, per opened room, until one takes it.</summary>
    public const int WakeTries = 8;

    private readonly WorkerWaitlist _waitlist;
    private readonly RoomHolds _holds;
    private readonly Func<string, Task<bool>> _tell;
    private readonly Func<int> _freeRooms;
    private readonly Func<bool> _alive;
    private readonly Action<string, string> _tellFailed;
    private readonly TimeProvider _time;
    private int _holdsWatched;

    /// <summary>Wakes for one worker: jobs come from <paramref name="waitlist"/>, rooms are held in
    /// <paramref name="holds"/>, <paramref name="tell"/> tells a job that room opened (true: it will offer itself
    /// again), <paramref name="freeRooms"/> counts the worker's rooms not taken by attempts in flight, and
    /// <paramref name="tellFailed"/> hears a job that could not be told (job id, why).</summary>
    public RoomWakes(WorkerWaitlist waitlist, RoomHolds holds, Func<string, Task<bool>> tell, Func<int> freeRooms, Func<bool> alive, Action<string, string> tellFailed, TimeProvider time)
    {
        _waitlist = waitlist;
        _holds = holds;
        _tell = tell;
        _freeRooms = freeRooms;
        _alive = alive;
        _tellFailed = tellFailed;
        _time = time;
    }

    /// <summary>Holds of told jobs still watched for running out unused (for tests that wait on the watch).</summary>
    internal int HoldsWatched => Volatile.Read(ref _holdsWatched);

    /// <summary>Room opened: tells the next waiting job, if any (runs in the background).</summary>
    public void RoomOpened()
    {
        if (_alive() && _waitlist.Count > 0)
        {
            _ = WakeNextAsync();
        }
    }

    /// <summary>Tells waiting jobs in turn until one will take the room, the list is empty, <see cref="WakeTries"/>
    /// were told, or the room is gone.</summary>
    internal async Task WakeNextAsync()
    {
        for (var tries = 0; tries < WakeTries && _alive() && _waitlist.TakeNext(out var clientId) is { } jobId; tries++)
        {
            var hold = _holds.Hold(jobId, clientId);
            try
            {
                if (await _tell(jobId).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _holdsWatched);
                    _ = PassOnUnusedHoldAsync(jobId, hold);
                    return;
                }
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // The job's silo is overloaded or just died: its own backoff poll brings it back; tell the next.
                _tellFailed(jobId, e.Message);
            }

            _holds.Release(jobId);
            if (_freeRooms() <= 0)
            {
                return;
            }
        }
    }

    /// <summary>When the told job's hold runs out before it was admitted, tells the next waiting job while a room not
    /// held for anyone is still free.</summary>
    private async Task PassOnUnusedHoldAsync(string jobId, long hold)
    {
        try
        {
            await Task.Delay(RoomHolds.HoldFor, _time).ConfigureAwait(false);
            if (_holds.ReleaseUnused(jobId, hold) && _freeRooms() - _holds.HeldForOthers("", null).All > 0)
            {
                RoomOpened();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _holdsWatched);
        }
    }
}
