// Design note: a wasm run is CPU-bound and may last up to its wall-clock limit. On the shared .NET thread pool a few
// long runs occupy every pool thread of a small machine (2 on our 2-core hosts), and the grain runtime, the worker
// heartbeats and the HTTP server then wait for the pool's slow thread injection: workers look offline and leases
// lapse while the silo is merely busy. Runs therefore get threads of their own. The set is elastic: a run takes an
// idle thread if one waits, else starts a new one, so runs never queue behind each other (the number of concurrent
// runs is already bounded by the workers' capacities); a thread idle for IdleTimeout ends. Handing a run to a waiting
// thread costs one semaphore release, so short jobs keep their throughput. Wasmtime runs guest code on the calling
// thread's native stack, so each thread gets StackBytes of stack, well above the engine's maximum wasm stack
// (SandboxEngine checks that it is at most half): a stack overflow is always Wasmtime's trap, never the process's.

using System.Collections.Concurrent;

namespace Marketplace.Grains.Execution;

/// <summary>Dedicated threads for sandboxed runs, kept off the shared thread pool (see the design note).</summary>
internal sealed class SandboxThreads : IDisposable
{
    /// <summary>Native stack of each sandbox thread, bytes: 8 MiB.</summary>
    public const int StackBytes = 8 * 1024 * 1024;

    private const int Idle = 0;
    private const int Assigned = 1;
    private const int Retired = 2;

    private readonly ConcurrentStack<SandboxThread> _idle = new();
    private readonly TimeSpan _idleTimeout;
    private int _threadCount;
    private volatile bool _disposed;

    /// <summary>Creates the set; threads start on demand.</summary>
    /// <param name="idleTimeout">How long a thread waits for its next run before it ends.</param>
    public SandboxThreads(TimeSpan idleTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        _idleTimeout = idleTimeout;
    }

    /// <summary>Threads alive now (running or waiting for a run).</summary>
    public int ThreadCount => Volatile.Read(ref _threadCount);

    /// <summary>Runs <paramref name="work"/> on a sandbox thread; the task completes with its result or exception.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var item = new WorkItem<T>(work);
        while (_idle.TryPop(out var thread))
        {
            if (thread.TryAssign(item))
            {
                return item.Task;
            }
        }

        var started = new SandboxThread(this, item);
        Interlocked.Increment(ref _threadCount);
        started.Start();
        return item.Task;
    }

    /// <summary>Lets idle threads end; runs in progress finish on their threads.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var thread))
        {
            thread.Retire();
        }
    }

    private abstract class WorkItem
    {
        /// <summary>Runs the work and keeps its result or exception.</summary>
        public abstract void Execute();

        /// <summary>Hands the kept result or exception to the caller.</summary>
        public abstract void Complete();
    }

    private sealed class WorkItem<T>(Func<T> work) : WorkItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public override void Execute()
        {
            try
            {
                _result = work();
            }
            catch (Exception e)
            {
                // Not swallowed: Complete hands the exception to the awaiting caller.
                _error = e;
            }
        }

        public override void Complete()
        {
            if (_error is null)
            {
                _completion.SetResult(_result!);
            }
            else
            {
                _completion.SetException(_error);
            }
        }
    }

    private sealed class SandboxThread
    {
        private readonly SandboxThreads _owner;
        private readonly SemaphoreSlim _signal = new(0, 1);
        private readonly Thread _thread;
        private WorkItem? _next;
        private int _state = Assigned;

        public SandboxThread(SandboxThreads owner, WorkItem first)
        {
            _owner = owner;
            _next = first;
            _thread = new Thread(Loop, StackBytes) { IsBackground = true, Name = "marketplace-sandbox" };
        }

        public void Start() => _thread.Start();

        public bool TryAssign(WorkItem item)
        {
            if (Interlocked.CompareExchange(ref _state, Assigned, Idle) != Idle)
            {
                return false;
            }

            _next = item;
            _signal.Release();
            return true;
        }

        public void Retire()
        {
            if (Interlocked.CompareExchange(ref _state, Retired, Idle) == Idle)
            {
                _signal.Release();
            }
        }

        private void Loop()
        {
            try
            {
                while (true)
                {
                    var item = Interlocked.Exchange(ref _next, null);
                    item?.Execute();
                    if (_owner._disposed)
                    {
                        item?.Complete();
                        return;
                    }

                    // Idle before the caller hears the result, so a caller that runs again at once finds this thread.
                    Volatile.Write(ref _state, Idle);
                    _owner._idle.Push(this);
                    item?.Complete();
                    if (!_signal.Wait(_owner._idleTimeout))
                    {
                        if (Interlocked.CompareExchange(ref _state, Retired, Idle) == Idle)
                        {
                            return;
                        }

                        // A run was assigned as the wait timed out: its release follows the hand-over of the item.
                        _signal.Wait();
                    }

                    if (Volatile.Read(ref _state) == Retired)
                    {
                        return;
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _owner._threadCount);
            }
        }
    }
}
