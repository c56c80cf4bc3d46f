// Design: a job that a silo's workers could run but have no room for (full, or holding its client's share of their
// queues) is written down here, and every time room opens on one of those workers the next waiting job is asked to
// offer itself again, so the room is taken within one matching round instead of at the job's next backoff poll. The
// next job is picked round robin across clients, and within a client in submit order (a job that was woken, lost the
// room to a newer job and comes back keeps its place), so a client with thousands of waiting jobs is woken once for
// every turn of each other waiting client and its oldest job goes first. A job is listed when a worker declines its bid
// for room and when a worker refuses its assignment for room (another job took the room first). It waits on the list
// of every silo whose workers turned it away; one that found room elsewhere, or finished, answers that it has no use
// for the room and the next job is woken. A job woken while its matching round is still open offers itself again as
// soon as that round finds no room. Its backoff poll stays as the fallback for a wake that never comes.

namespace Marketplace.Grains.Workers;

/// <summary>The jobs waiting for room on this silo's workers, taken round robin across clients and in submit order
/// within one client.</summary>
internal sealed class WorkerWaitlist
{
    /// <summary>Jobs held at most; later ones rely on their own backoff polls.</summary>
    public const int Capacity = 100_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, SortedSet<(long SubmittedAt, string JobId)>> _byClient = new(StringComparer.Ordinal);
    private readonly Queue<string> _turns = new();
    private readonly HashSet<string> _waiting = new(StringComparer.Ordinal);

    /// <summary>Jobs waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Writes down job <paramref name="jobId"/> of <paramref name="clientId"/>, submitted at
    /// <paramref name="submittedAt"/> (once; its place among the client's jobs follows the submit time).</summary>
    public void Add(string jobId, string clientId, DateTimeOffset submittedAt)
    {
        lock (_gate)
        {
            if (_waiting.Count >= Capacity || !_waiting.Add(jobId))
            {
                return;
            }

            if (!_byClient.TryGetValue(clientId, out var jobs))
            {
                _byClient[clientId] = jobs = [];
            }

            if (jobs.Count == 0)
            {
                _turns.Enqueue(clientId);
            }

            jobs.Add((submittedAt.UtcTicks, jobId));
        }
    }

    /// <summary>The next job to wake (round robin across clients, a client's oldest first), or null when none
    /// waits.</summary>
    public string? TakeNext() => TakeNext(out _);

    /// <summary>The next job to wake, as <see cref="TakeNext()"/>, and its client.</summary>
    public string? TakeNext(out string clientId)
    {
        clientId = "";
        lock (_gate)
        {
            while (_turns.TryDequeue(out var client))
            {
                if (!_byClient.TryGetValue(client, out var jobs) || jobs.Count == 0)
                {
                    continue;
                }

                var oldest = jobs.Min;
                jobs.Remove(oldest);
                _waiting.Remove(oldest.JobId);
                if (jobs.Count > 0)
                {
                    _turns.Enqueue(client);
                }
                else
                {
                    _byClient.Remove(client);
                }

                clientId = client;
                return oldest.JobId;
            }

            return null;
        }
    }
}
