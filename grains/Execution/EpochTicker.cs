// Design note: Wasmtime checks a store's epoch deadline at every function entry and loop header; the epoch only
// moves when someone calls Engine.IncrementEpoch. One ticker per silo does so every TickInterval on a dedicated
// background thread (not a pool timer: a pool starved by CPU-bound work would delay the very ticks that stop it),
// and only while a run holds an instance slot (SandboxEngine.RunsActive): a tick matters to running programs only,
// and a thread woken 100 times a second on a virtual machine cost an idle silo about a quarter of its CPU. It sleeps
// on a kernel wait, not a spinning one.
// Every run's store has a deadline of one tick and a callback (OnvmRunState.OnEpochDeadline) that unwinds the guest
// once the run's interrupt flag is set and otherwise extends the deadline by one tick. So a timeout or a
// cancellation stops a running program at most one tick after the flag is set, plus the time the guest needs to
// reach its next loop header or call (bounded by one straight-line stretch of code, or the host call in progress).

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Execution;

/// <summary>Increments the silo engine's epoch every <see cref="TickInterval"/> while a program runs (the timeout and
/// cancellation resolution of running programs).</summary>
internal sealed class EpochTicker : IHostedService, IDisposable
{
    private readonly SandboxEngine _engine;
    private readonly ManualResetEventSlim _stop = new();
    private readonly object _gate = new();
    private Thread? _thread;
    private long _ticks;

    /// <summary>Creates the ticker for the silo's engine with the options' interval.</summary>
    public EpochTicker(SandboxEngine engine, IOptions<ProgramOptions> options)
        : this(engine, TimeSpan.FromMilliseconds(options.Value.EpochTickMs))
    {
    }

    /// <summary>Creates a ticker for <paramref name="engine"/>.</summary>
    public EpochTicker(SandboxEngine engine, TimeSpan tickInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tickInterval, TimeSpan.FromMilliseconds(1));
        _engine = engine;
        TickInterval = tickInterval;
    }

    /// <summary>Time between two epoch increments.</summary>
    public TimeSpan TickInterval { get; }

    /// <summary>Increments done so far.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Starts ticking (idempotent).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_thread is not null)
            {
                return;
            }

            _stop.Reset();
            _thread = new Thread(Loop) { IsBackground = true, Name = "marketplace-epoch-ticker" };
            _thread.Start();
        }
    }

    /// <summary>Stops ticking and waits for the thread.</summary>
    public void Stop()
    {
        Thread? thread;
        lock (_gate)
        {
            thread = _thread;
            _thread = null;
            _stop.Set();
        }

        thread?.Join();
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private void Loop()
    {
        var stop = _stop.WaitHandle;
        WaitHandle[] idle = [stop, _engine.RunsActive];
        while (true)
        {
            if (_engine.ActiveRuns == 0 && WaitHandle.WaitAny(idle) == 0)
            {
                return;
            }

            if (stop.WaitOne(TickInterval))
            {
                return;
            }

            _engine.Engine.IncrementEpoch();
            Interlocked.Increment(ref _ticks);
        }
    }
}
