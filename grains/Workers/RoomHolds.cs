// Design: when room opens on a worker, its executor wakes the oldest job waiting for it (WorkerWaitlist), and that job
// needs a matching round (announce, bids, assignment) to take the room. Jobs submitted meanwhile bid at once and,
// unheld, took the room first under load: the woken job was turned away again, so on a saturated cluster the jobs
// that had waited longest (those resumed after their silo died, above all) kept losing to new ones. The executor now
// holds the room for the job it wakes: for everyone else the held room counts as taken (one more attempt in flight,
// and one more of the woken job's client) until the woken job is admitted, says it has no use for the room, or the
// hold runs out (HoldFor: the job found room elsewhere, or its answer was lost). A hold that runs out unused passes the
// room on: the executor wakes the next waiting job, or a room freed for a job that then ran elsewhere would wake no one
// and an idle worker would leave its waiting jobs to their backoff polls.

namespace Marketplace.Grains.Workers;

/// <summary>Rooms of one worker held for the jobs it woke, each until that job is admitted or the hold runs out.</summary>
internal sealed class RoomHolds(TimeProvider time)
{
    /// <summary>How long a woken job's room is held: long enough for one matching round under load.</summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly List<(string JobId, string ClientId, DateTimeOffset Until, long Stamp)> _holds = [];
    private long _stamps;

    /// <summary>Holds a room for job <paramref name="jobId"/> of <paramref name="clientId"/> (once per job: holding
    /// it again renews its one hold); returns the stamp of this hold for <see cref="ReleaseUnused"/>.</summary>
    public long Hold(string jobId, string clientId)
    {
        var until = time.GetUtcNow() + HoldFor;
        lock (_gate)
        {
            var stamp = ++_stamps;
            var i = IndexOf(jobId);
            if (i >= 0)
            {
                _holds[i] = (jobId, clientId, until, stamp);
            }
            else
            {
                _holds.Add((jobId, clientId, until, stamp));
            }

            return stamp;
        }
    }

    /// <summary>Ends the hold of job <paramref name="jobId"/> (admitted, or it has no use for the room).</summary>
    public void Release(string jobId)
    {
        lock (_gate)
        {
            var i = IndexOf(jobId);
            if (i >= 0)
            {
                _holds.RemoveAt(i);
            }
        }
    }

    /// <summary>Ends the hold <paramref name="stamp"/> of job <paramref name="jobId"/> when it is still in place (run
    /// out or not): true when the woken job was neither admitted nor said it had no use for the room, so the room it
    /// held went unused and the next waiting job must be told. False when the hold was released or renewed since.</summary>
    public bool ReleaseUnused(string jobId, long stamp)
    {
        lock (_gate)
        {
            var i = IndexOf(jobId);
            if (i < 0 || _holds[i].Stamp != stamp)
            {
                return false;
            }

            _holds.RemoveAt(i);
            return true;
        }
    }

    /// <summary>The rooms held for jobs other than <paramref name="jobId"/> (null: for any job), in all and for jobs of
    /// <paramref name="clientId"/>; holds that ran out do not count.</summary>
    public (int All, int OfClient) HeldForOthers(string clientId, string? jobId)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_holds.Count == 0)
            {
                return (0, 0);
            }

            int all = 0, ofClient = 0;
            for (var i = 0; i < _holds.Count; i++)
            {
                var (held, client, until, _) = _holds[i];
                if (until <= now)
                {
                    continue; // ran out: ReleaseUnused removes it and passes the room on
                }

                if (jobId is not null && string.Equals(held, jobId, StringComparison.Ordinal))
                {
                    continue;
                }

                all++;
                ofClient += string.Equals(client, clientId, StringComparison.Ordinal) ? 1 : 0;
            }

            return (all, ofClient);
        }
    }

    private int IndexOf(string jobId)
    {
        for (var i = 0; i < _holds.Count; i++)
        {
            if (string.Equals(_holds[i].JobId, jobId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
