// Design: when room opens on a worker, its executor wakes the oldest job waiting for it (WorkerWaitlist), and that job
// needs a matching round (announce, bids, assignment) to take the room. Jobs submitted meanwhile bid at once and,
// unheld, took the room first under load: the woken job was turned away again, so on a saturated cluster the jobs
// that had waited longest (those resumed after their silo died, above all) kept losing to new ones. The executor now
// holds the room for the job it wakes: for everyone else the held room counts as taken (one more attempt in flight,
// and one more of the woken job's client) until the woken job is admitted, says it has no use for the room, or the
// hold runs out (HoldFor: the job found room elsewhere, or its answer was lost).

namespace Marketplace.Grains.Workers;

/// <summary>Rooms of one worker held for the jobs it woke, each until that job is admitted or the hold runs out.</summary>
internal sealed class RoomHolds(TimeProvider time)
{
    /// <summary>How long a woken job's room is held: long enough for one matching round under load.</summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly List<(string JobId, string ClientId, DateTimeOffset Until)> _holds = [];

    /// <summary>Holds a room for job <paramref name="jobId"/> of <paramref name="clientId"/> (once per job).</summary>
    public void Hold(string jobId, string clientId)
    {
        var until = time.GetUtcNow() + HoldFor;
        lock (_gate)
        {
            for (var i = 0; i < _holds.Count; i++)
            {
                if (string.Equals(_holds[i].JobId, jobId, StringComparison.Ordinal))
                {
                    _holds[i] = (jobId, clientId, until);
                    return;
                }
            }

            _holds.Add((jobId, clientId, until));
        }
    }

    /// <summary>Ends the hold of job <paramref name="jobId"/> (admitted, or it has no use for the room).</summary>
    public void Release(string jobId)
    {
        lock (_gate)
        {
            for (var i = 0; i < _holds.Count; i++)
            {
                if (string.Equals(_holds[i].JobId, jobId, StringComparison.Ordinal))
                {
                    _holds.RemoveAt(i);
                    return;
                }
            }
        }
    }

    /// <summary>The rooms held for jobs other than <paramref name="jobId"/> (null: for any job), in all and for jobs of
    /// <paramref name="clientId"/>; holds that ran out are dropped.</summary>
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
            for (var i = _holds.Count - 1; i >= 0; i--)
            {
                var (held, client, until) = _holds[i];
                if (until <= now)
                {
                    _holds.RemoveAt(i);
                    continue;
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
}
