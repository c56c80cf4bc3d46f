// Design: one scheduler per activation, running on the shared .NET thread pool. Tasks queued here (request turns and
// every await continuation inside grain code, because await captures TaskScheduler.Current) run strictly one at a
// time: the scheduler enqueues itself as a single IThreadPoolWorkItem when work arrives and drains its queue on one
// thread, yielding after a quantum so one busy activation cannot starve others. Inlining is allowed only on the thread
// that is already running this activation, so it never introduces parallelism.
// A caller that is not running any activation's work (host code) may run a new turn of an idle activation on its own
// thread (TryRunInline): the scheduler is claimed exactly like the thread-pool work item claims it, the turn's first
// segment runs under a clean execution context and no synchronization context, and the activation is released (or
// handed to the thread pool when work queued meanwhile) before control returns to the caller. A synchronous grain
// method thus completes its caller's task before the call returns: no thread-pool hop. Inline runs never nest deeper
// than MaxInlineDepth frames on one thread.
namespace Marketplace.Runtime.Scheduling;

/// <summary>A serial task scheduler for one activation.</summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    private const long QuantumMilliseconds = 100;

    /// <summary>Inline runs nested on one thread at most (bounds the stack).</summary>
    internal const int MaxInlineDepth = 4;

    /// <summary>An execution context without any async-local value (what thread-pool work items start with).</summary>
    private static readonly ExecutionContext CleanContext = CaptureCleanContext();

    [ThreadStatic]
    private static ActivationTaskScheduler? _running;

    [ThreadStatic]
    private static ActivationTaskScheduler? _executeNextQueuedInline;

    [ThreadStatic]
    private static int _inlineDepth;

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

    /// <summary>
    /// Starts <paramref name="work"/> as a task of this scheduler and, when no activation's work runs on this thread,
    /// the scheduler is idle and the inline depth allows, runs it here until its first incomplete await, then releases
    /// the scheduler. Otherwise queues it like <see cref="Task.Factory"/>'s StartNew would.
    /// </summary>
    /// <returns>True when the task ran inline.</returns>
    public bool StartPreferInline(Func<object?, Task> work, object? state)
    {
        if (_running is not null || _inlineDepth >= MaxInlineDepth || ExecutionContext.IsFlowSuppressed())
        {
            Start(work, state);
            return false;
        }

        bool claimed;
        lock (_queue)
        {
            claimed = !_scheduled;
            _scheduled = true;
        }

        if (!claimed)
        {
            Start(work, state);
            return false;
        }

        var callerContext = ExecutionContext.Capture()!;
        var callerSynchronization = SynchronizationContext.Current;
        _inlineDepth++;
        _running = this;
        try
        {
            if (callerSynchronization is not null)
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }

            // Under the clean context the task captures no context (as if queued with flow suppressed), yet the turn
            // itself runs with flow on, so its awaits keep the request context.
            ExecutionContext.Restore(CleanContext);
            _executeNextQueuedInline = this;
            _ = Task.Factory.StartNew(work, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);
        }
        finally
        {
            _executeNextQueuedInline = null;
            _running = null;
            _inlineDepth--;
            ExecutionContext.Restore(callerContext);
            if (callerSynchronization is not null)
            {
                SynchronizationContext.SetSynchronizationContext(callerSynchronization);
            }

            Release();
        }

        return true;
    }

    /// <summary>Starts <paramref name="work"/> as a task of this scheduler, queued, without the caller's execution context.</summary>
    public void Start(Func<object?, Task> work, object? state)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            _ = Task.Factory.StartNew(work, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Factory.StartNew(work, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);
        }
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        if (_executeNextQueuedInline == this)
        {
            // StartPreferInline claimed this scheduler on this thread: run the new task now.
            _executeNextQueuedInline = null;
            TryExecuteTask(task);
            return;
        }

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

    /// <summary>Gives up a claim taken by an inline run: hands the scheduler to the thread pool when work is queued.</summary>
    private void Release()
    {
        lock (_queue)
        {
            if (_queue.Count == 0)
            {
                _scheduled = false;
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    private static ExecutionContext CaptureCleanContext()
    {
        ExecutionContext? clean = null;
        var thread = new Thread(() => clean = ExecutionContext.Capture()) { IsBackground = true, Name = "Marketplace clean context" };
        thread.UnsafeStart();
        thread.Join();
        return clean!;
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
