// Design note: one Wasmtime Engine per silo, built once from a fixed list of settings. The list is the single source
// of truth: it configures the engine and its text is hashed into ConfigurationDigest, which keys compiled modules in
// memory and on disk (a module compiled under other settings is never reused). The rule for proposals is
// determinism first: a proposal whose results can differ between machines or runs (threads, relaxed SIMD in its
// non-deterministic mode) is off; a deterministic one that our host ABI can carry (plain values in, plain values
// out) may stay on; GC, exceptions, stack switching, memory64 and the component model are off because no program
// we accept needs them and each adds engine surface. The engine also owns the linkers of the host ABIs (ONVM and
// WASI preview 1), each defined once; a linker holds no store, so every run shares it.
// Instances come from Wasmtime's pooling allocator: MaxConcurrentRuns slots of linear memory, tables and instance
// state reserved once at start and reused. The on-demand allocator maps and unmaps a run's memory each time, and an
// unmap flushes the TLB of every core running the process: under load on a 2-core VM that took 18 % of the silo's CPU.
// A freed slot keeps its first MiB resident (zeroed, not returned to the kernel) and returns the rest, so a memory
// bomb's pages go back to the system when its run ends. A run takes a slot before it makes its store
// (EnterRun); when every slot is busy it waits. RunsActive is signalled while any slot is held, so the epoch ticker
// sleeps while nothing runs.

using System.Security.Cryptography;
using System.Text;
using Marketplace.Grains.Execution.Wasi;
using Microsoft.Extensions.Options;
using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>The silo's Wasmtime engine with its documented, fixed configuration and the host ABI linkers.</summary>
internal sealed class SandboxEngine : IDisposable
{
    /// <summary>The Wasmtime release this build runs on (the pinned NuGet package); part of the module cache key.</summary>
    public const string WasmtimeVersion = "50.0.1";

    /// <summary>Bytes of a freed instance slot's linear memory kept resident (zeroed for the next run instead of
    /// returned to the kernel): 1 MiB.</summary>
    public const int KeepResidentBytes = 1 << 20;

    private readonly SemaphoreSlim _runSlots;
    private readonly object _activeGate = new();
    private readonly ManualResetEvent _runsActive = new(false);
    private int _waitingRuns;
    private int _activeRuns;

    /// <summary>Creates the engine from the silo's options.</summary>
    public SandboxEngine(IOptions<ProgramOptions> options)
        : this(options.Value)
    {
    }

    /// <summary>Creates the engine with <paramref name="options"/>' stack size, instance slots and run limits.</summary>
    public SandboxEngine(ProgramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var maxStackBytes = options.MaxStackBytes;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStackBytes, 64 * 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxStackBytes, SandboxThreads.StackBytes / 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentRuns, 1);
        var settings = Settings(options);
        using var config = new Config();
        foreach (var (_, apply) in settings)
        {
            apply(config);
        }

        Engine = new Engine(config);
        MaxStackBytes = maxStackBytes;
        MaxConcurrentRuns = options.MaxConcurrentRuns;
        _runSlots = new SemaphoreSlim(options.MaxConcurrentRuns, options.MaxConcurrentRuns);
        Configuration = string.Join('\n', settings.Select(s => s.Name));
        ConfigurationDigest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"wasmtime {WasmtimeVersion}\n{Configuration}")));
        OnvmLinker = OnvmHost.CreateLinker(Engine);
        WasiLinker = new Linker(Engine);
        WasiPreview1Host.Define(WasiLinker);
    }

    /// <summary>The engine every module of this silo is compiled with.</summary>
    public Engine Engine { get; }

    /// <summary>The maximum stack a run's wasm frames may use, bytes.</summary>
    public int MaxStackBytes { get; }

    /// <summary>Runs that may hold a store at once: the pooling allocator's instance slots.</summary>
    public int MaxConcurrentRuns { get; }

    /// <summary>The settings, one per line, as applied (documented in grains/Execution/README.md).</summary>
    public string Configuration { get; }

    /// <summary>SHA-256 (hex) of the Wasmtime version and <see cref="Configuration"/>.</summary>
    public string ConfigurationDigest { get; }

    /// <summary>The linker with the ONVM host functions (module <c>env</c>).</summary>
    public Linker OnvmLinker { get; }

    /// <summary>The linker with the deterministic WASI preview 1 functions (module <c>wasi_snapshot_preview1</c>,
    /// see grains/Execution/Wasi/README.md); its stores hold a <c>WasiContext</c> as data.</summary>
    public Linker WasiLinker { get; }

    /// <summary>The linker of <paramref name="abi"/>, or null when no host of that ABI is registered in this silo.</summary>
    public Linker? LinkerFor(ProgramAbi abi) => abi switch
    {
        ProgramAbi.Onvm => OnvmLinker,
        ProgramAbi.Wasi => WasiLinker,
        _ => null,
    };

    /// <summary>Takes an instance slot for one run, waiting while every slot is busy; null when
    /// <paramref name="stop"/> says so first. Dispose the slot when the run's store is gone.</summary>
    /// <param name="stop">Polled while waiting: true gives up (the run was interrupted).</param>
    public RunSlot? EnterRun(Func<bool> stop)
    {
        if (!_runSlots.Wait(0))
        {
            Interlocked.Increment(ref _waitingRuns);
            try
            {
                while (!_runSlots.Wait(RunSlotPoll))
                {
                    if (stop())
                    {
                        return null;
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _waitingRuns);
            }
        }

        lock (_activeGate)
        {
            if (++_activeRuns == 1)
            {
                _runsActive.Set();
            }
        }

        return new RunSlot(this);
    }

    /// <summary>Runs waiting for an instance slot now.</summary>
    public int WaitingRuns => Volatile.Read(ref _waitingRuns);

    /// <summary>Runs holding an instance slot now.</summary>
    public int ActiveRuns => Volatile.Read(ref _activeRuns);

    /// <summary>Signalled while at least one run holds an instance slot.</summary>
    public WaitHandle RunsActive => _runsActive;

    private void LeaveRun()
    {
        lock (_activeGate)
        {
            if (--_activeRuns == 0)
            {
                _runsActive.Reset();
            }
        }

        _runSlots.Release();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        OnvmLinker.Dispose();
        WasiLinker.Dispose();
        Engine.Dispose();
        _runSlots.Dispose();
        _runsActive.Dispose();
    }

    private static readonly TimeSpan RunSlotPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>One run's hold on an instance slot.</summary>
    public sealed class RunSlot : IDisposable
    {
        private SandboxEngine? _engine;

        internal RunSlot(SandboxEngine engine) => _engine = engine;

        /// <summary>Gives the slot back (once).</summary>
        public void Dispose() => Interlocked.Exchange(ref _engine, null)?.LeaveRun();
    }

    private static List<(string Name, Action<Config> Apply)> Settings(ProgramOptions options) =>
    [
        ("compiler=cranelift", c => c.WithCompilerStrategy(CompilerStrategy.Cranelift)),
        ("optimization=speed", c => c.WithOptimizationLevel(OptimizationLevel.Speed)),
        // Fuel is the billing and limit unit: deterministic, counted per operator.
        ("fuel=on", c => c.WithFuelConsumption(true)),
        // Wall-clock limit and cancellation: one ticker per silo increments the epoch (EpochTicker).
        ("epoch-interruption=on", c => c.WithEpochInterruption(true)),
        // Every NaN a float operation produces is the canonical NaN, the same on x86-64 and arm64.
        ("nan-canonicalization=on", c => c.WithCraneliftNaNCanonicalization(true)),
        ($"max-wasm-stack={options.MaxStackBytes}", c => c.WithMaximumStackSize(options.MaxStackBytes)),
        // Off: non-deterministic (shared memory, scheduling) or not needed by any accepted program.
        ("threads=off", c => c.WithWasmThreads(false)),
        ("relaxed-simd=off", c => c.WithRelaxedSIMD(false, true)),
        ("memory64=off", c => c.WithMemory64(false)),
        ("gc=off", c => c.WithGc(false)),
        ("function-references=off", c => c.WithFunctionReferences(false)),
        ("exceptions=off", c => c.WithExceptions(false)),
        ("component-model=off", c => c.WithComponentModel(false)),
        // On: deterministic proposals of WebAssembly 2.0 that compilers emit by default.
        ("simd=on", c => c.WithSIMD(true)),
        ("bulk-memory=on", c => c.WithBulkMemory(true)),
        ("multi-value=on", c => c.WithMultiValue(true)),
        ("reference-types=on", c => c.WithReferenceTypes(true)),
        ("multi-memory=off", c => c.WithMultiMemory(false)),
        ("tail-calls=on", c => c.WithTailCalls(true)),
        // One compile occupies one core: the silo's other work keeps the second core of a small machine.
        ("parallel-compilation=off", c => c.WithParallelCompilation(false)),
        // Instances from reserved, reused slots (see the design note); sized by the run limits.
        ($"allocator=pooling slots={options.MaxConcurrentRuns} memory={options.MaxMemoryBytes} tables={options.MaxTables}x{options.MaxTableElements} keep-resident={KeepResidentBytes}",
            c => c.WithPoolingAllocationStrategy(new PoolingAllocationConfig()
                .WithMaxCoreInstances((uint)options.MaxConcurrentRuns)
                .WithMaxMemories((uint)options.MaxConcurrentRuns)
                .WithMaxTables((uint)(options.MaxConcurrentRuns * Math.Max(1, options.MaxTables)))
                .WithMaxMemoriesPerModule(1)
                .WithMaxTablesPerModule((uint)Math.Max(1, options.MaxTables))
                .WithMaxTableElements((nuint)options.MaxTableElements)
                .WithMaxMemorySize((nuint)options.MaxMemoryBytes)
                .WithLinearMemoryKeepResidentBytes(KeepResidentBytes)
                .WithTableKeepResidentBytes(64 * 1024))),
    ];
}
