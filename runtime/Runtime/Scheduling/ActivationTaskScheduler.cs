// Design: one scheduler per activation, running on the shared .NET thread pool. Tasks queued here (request turns and
// every await continuation inside grain code, because await captures TaskScheduler.Current) run strictly one at a
// time: the scheduler enqueues itself as a single IThreadPoolWorkItem when work arrives and drains its queue on one
// thread, yielding after a quantum so one busy activation cannot starve others. A thread runs a scheduler's tasks only
// while it holds the scheduler's claim (_scheduled), so inlining never introduces parallelism.
// Fewer thread-pool hops per call:
// - Host code (no activation running on its thread) may run a new turn of an idle activation on its own thread
//   (StartPreferInline): it claims the scheduler, runs the turn's first segment under a clean execution context and no
//   synchronization context, then releases the scheduler (handing it to the thread pool when work queued meanwhile).
// - Work that must not run inside an activation's task (completing a caller) is deferred to just after that task
//   (TryRunAfterCurrentTask): the thread first releases the activation, then runs the deferred work with no activation
//   current and no lock held. A grain continuation it triggers may claim its idle activation on this thread
//   (TryExecuteTaskInline). So a synchronous callee completes a host caller before the call returns, and an awaiting
//   grain resumes on the callee's thread, both without a hop.
// Inline frames never nest deeper than MaxInlineDepth on one thread (past it, work is queued), so the stack is bounded.
namespace Marketplace.Runtime.Scheduling;

/// <summary>A serial task scheduler for one activation.</summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    private const long QuantumMilliseconds = 100;

    /// <summary>Inline frames nested on one thread at most (bounds the stack).</summary>
    internal const int MaxInlineDepth = 6;

    /// <summary>An execution context without any async-local value (what thread-pool work items start with).</summary>
    private static readonly ExecutionContext CleanContext = CaptureCleanContext();

    [ThreadStatic]
    private static ActivationTaskScheduler? _running;

    [ThreadStatic]
    private static ActivationTaskScheduler? _executeNextQueuedInline;

    [ThreadStatic]
    private static int _inlineDepth;

    [ThreadStatic]
    private static List<IThreadPoolWorkItem>? _afterTask;

    [ThreadStatic]
    private static List<IThreadPoolWorkItem>? _spareAfterTask;

    [ThreadStatic]
    private static bool _runningDeferred;

    private readonly Queue<Task> _queue = new();
    private bool _scheduled;

    /// <summary>The scheduler whose work is running on the current thread, if any.</summary>
    public static ActivationTaskScheduler? Running => _running;

    /// <summary>
    /// True while this thread runs work deferred by <see cref="TryRunAfterCurrentTask"/>: no activation runs, no runtime
    /// lock is held, so a caller's continuation may run here.
    /// </summary>
    public static bool IsRunningDeferredWork => _runningDeferred && _running is null;

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

    /// <summary>
    /// Runs <paramref name="item"/> on this thread right after the task of the activation running here has returned and
    /// the activation has been released. False (nothing deferred) when no activation runs on this thread.
    /// </summary>
    public static bool TryRunAfterCurrentTask(IThreadPoolWorkItem item)
    {
        if (_running is null)
        {
            return false;
        }

        var list = _afterTask;
        if (list is null)
        {
            list = _spareAfterTask ?? new List<IThreadPoolWorkItem>(2);
            _spareAfterTask = null;
            _afterTask = list;
        }

        list.Add(item);
        return true;
    }

    /// <summary>Runs queued tasks until the queue is empty or the quantum is used up.</summary>
    public void Execute()
    {
        var previous = _running;
        _running = this;
        var start = Environment.TickCount64;
        List<IThreadPoolWorkItem>? deferred = null;
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
                if (_afterTask is { } after)
                {
                    // Give the activation up first: the deferred work must not run inside it.
                    _afterTask = null;
                    deferred = after;
                    Release(preferLocal: false);
                    return;
                }

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
            if (deferred is not null)
            {
                RunDeferred(deferred);
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="work"/> as a task of this scheduler and, when no activation's work runs on this thread,
    /// the scheduler is idle and the inline depth allows, runs it here until its first incomplete await, then releases
    /// the scheduler. Otherwise queues it like <see cref="Start"/>.
    /// </summary>
    /// <returns>True when the task ran inline.</returns>
    public bool StartPreferInline(Func<object?, Task> work, object? state)
    {
        if (_running is not null || _inlineDepth >= MaxInlineDepth || ExecutionContext.IsFlowSuppressed() || !TryClaim())
        {
            Start(work, state);
            return false;
        }

        var callerContext = ExecutionContext.Capture()!;
        var callerSynchronization = SynchronizationContext.Current;
        List<IThreadPoolWorkItem>? deferred;
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
            deferred = EndInlineTurn();
        }

        try
        {
            if (deferred is not null)
            {
                RunDeferred(deferred);
            }
        }
        finally
        {
            _inlineDepth--;
            ExecutionContext.Restore(callerContext);
            if (callerSynchronization is not null)
            {
                SynchronizationContext.SetSynchronizationContext(callerSynchronization);
            }
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

    /// <summary>
    /// Runs a task inline when this thread already runs this scheduler, or when it runs deferred work (no activation,
    /// no lock, no synchronization context) and can claim this idle scheduler within the depth bound.
    /// </summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued)
    {
        if (taskWasPreviouslyQueued)
        {
            return false;
        }

        if (_running == this)
        {
            return TryExecuteTask(task);
        }

        if (!IsRunningDeferredWork || _inlineDepth >= MaxInlineDepth || SynchronizationContext.Current is not null || !TryClaim())
        {
            return false;
        }

        List<IThreadPoolWorkItem>? deferred;
        _inlineDepth++;
        _running = this;
        try
        {
            TryExecuteTask(task);
        }
        finally
        {
            deferred = EndInlineTurn();
        }

        try
        {
            if (deferred is not null)
            {
                RunDeferred(deferred);
            }
        }
        finally
        {
            _inlineDepth--;
        }

        return true;
    }

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_queue)
        {
            return _queue.ToArray();
        }
    }

    /// <summary>Runs deferred work items in order; if one throws, the rest go to the thread pool.</summary>
    /// <summary>Ends a turn run inline on this thread: clears the running marker, takes the work deferred until after
    /// the turn and releases the activation.</summary>
    private List<IThreadPoolWorkItem>? EndInlineTurn()
    {
        _running = null;
        var deferred = _afterTask;
        _afterTask = null;
        Release(preferLocal: true);
        return deferred;
    }

    private static void RunDeferred(List<IThreadPoolWorkItem> items)
    {
        var wasRunningDeferred = _runningDeferred;
        _runningDeferred = true;
        var next = 0;
        try
        {
            while (next < items.Count)
            {
                items[next++].Execute();
            }
        }
        finally
        {
            _runningDeferred = wasRunningDeferred;
            for (; next < items.Count; next++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(items[next], preferLocal: false);
            }

            items.Clear();
            _spareAfterTask = items;
        }
    }

    private static ExecutionContext CaptureCleanContext()
    {
        ExecutionContext? clean = null;
        var thread = new Thread(() => clean = ExecutionContext.Capture()) { IsBackground = true, Name = "Marketplace clean context" };
        thread.UnsafeStart();
        thread.Join();
        return clean!;
    }

    /// <summary>Takes the scheduler if nobody holds it.</summary>
    private bool TryClaim()
    {
        lock (_queue)
        {
            if (_scheduled)
            {
                return false;
            }

            _scheduled = true;
            return true;
        }
    }

    /// <summary>Gives up the claim: hands the scheduler to the thread pool when work is queued.</summary>
    private void Release(bool preferLocal)
    {
        lock (_queue)
        {
            if (_queue.Count == 0)
            {
                _scheduled = false;
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal);
    }
}
