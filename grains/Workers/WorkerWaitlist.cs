// Design: a job that a silo's workers could run but have no room for (full, or holding its client's share of their
// queues) is written down here, and every time room opens on one of those workers the next waiting job is told to
// offer itself again, so the room is taken within one matching round instead of at the job's next backoff poll. The
// next job is picked round robin across clients (each client's jobs in their own order), so a client with thousands
// of waiting jobs is woken once for every turn of each other waiting client. A job that found room elsewhere in the
// meantime ignores the call; its backoff poll stays as the fallback for a wake that never comes.

namespace Marketplace.Grains.Workers;

/// <summary>The jobs waiting for room on this silo's workers, taken round robin across clients.</summary>
internal sealed class WorkerWaitlist
{
    /// <summary>Jobs held at most; later ones rely on their own backoff polls.</summary>
    public const int Capacity = 100_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, Queue<string>> _byClient = new(StringComparer.Ordinal);
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

    /// <summary>Writes down job <paramref name="jobId"/> of <paramref name="clientId"/> (once).</summary>
    public void Add(string jobId, string clientId)
    {
        lock (_gate)
        {
            if (_waiting.Count >= Capacity || !_waiting.Add(jobId))
            {
                return;
            }

            if (!_byClient.TryGetValue(clientId, out var jobs))
            {
                _byClient[clientId] = jobs = new Queue<string>();
            }

            if (jobs.Count == 0)
            {
                _turns.Enqueue(clientId);
            }

            jobs.Enqueue(jobId);
        }
    }

    /// <summary>The next job to wake (round robin across clients), or null when none waits.</summary>
    public string? TakeNext()
    {
        lock (_gate)
        {
            while (_turns.TryDequeue(out var clientId))
            {
                if (!_byClient.TryGetValue(clientId, out var jobs) || jobs.Count == 0)
                {
                    continue;
                }

                var jobId = jobs.Dequeue();
                _waiting.Remove(jobId);
                if (jobs.Count > 0)
                {
                    _turns.Enqueue(clientId);
                }
                else
                {
                    _byClient.Remove(clientId);
                }

                return jobId;
            }

            return null;
        }
    }
}
