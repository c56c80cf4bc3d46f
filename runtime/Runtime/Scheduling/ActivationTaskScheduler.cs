// Design: one scheduler per activation, running on the shared .NET thread pool. Tasks queued here (request turns and
// every await continuation inside grain code, because await captures TaskScheduler.Current) run strictly one at a
// time: the scheduler enqueues itself as a single IThreadPoolWorkItem when work arrives and drains its queue on one
// thread, yielding after a quantum so one busy activation cannot starve others. Inlining is allowed only on the thread
// that is already running this activation, so it never introduces parallelism.
namespace Marketplace.Runtime.Scheduling;

/// <summary>A serial task scheduler for one activation.</summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    private const long QuantumMilliseconds = 100;

    [ThreadStatic]
    private static ActivationTaskScheduler? _running;

    private readonly Queue<Task> _queue = new();
    private bool _scheduled;

    /// <summary>The scheduler whose work is running on the current thread, if any.</summary>
    public static ActivationTaskScheduler? Running => _running;

    /// <summary>Tasks waiting to run.</summary>
    public int QueueLength
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count;
            }
        }
    }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Runs queued tasks until the queue is empty or the quantum is used up.</summary>
    public void Execute()
    {
        var previous = _running;
        _running = this;
        var start = Environment.TickCount64;
        try
        {
            while (true)
            {
                Task? task;
                lock (_queue)
                {
                    if (!_queue.TryDequeue(out task))
                    {
                        _scheduled = false;
                        return;
                    }
                }

                TryExecuteTask(task);
                if (Environment.TickCount64 - start >= QuantumMilliseconds)
                {
                    lock (_queue)
                    {
                        if (_queue.Count == 0)
                        {
                            _scheduled = false;
                            return;
                        }
                    }

                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                    return;
                }
            }
        }
        finally
        {
            _running = previous;
        }
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        bool schedule;
        lock (_queue)
        {
            _queue.Enqueue(task);
            schedule = !_scheduled;
            _scheduled = true;
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        !taskWasPreviouslyQueued && _running == this && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_queue)
        {
            return _queue.ToArray();
        }
    }
}
