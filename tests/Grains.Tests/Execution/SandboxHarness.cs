using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;

namespace Marketplace.Grains.Tests.Execution;

/// <summary>
/// Runs modules through the real execution path below the grains (ProgramModuleCache, ProgramExecution, the ONVM
/// host, sandbox threads, one engine with its epoch ticker as a silo has) on an empty state, without a silo: for the
/// sandbox tests that run many modules (limits, traps, interruption, the fuzzer).
/// </summary>
internal sealed class SandboxHarness : IDisposable
{
    private readonly SandboxThreads _threads = new(TimeSpan.FromSeconds(5));

    public SandboxHarness(ProgramOptions? options = null)
    {
        Options = options ?? new ProgramOptions();
        Engine = new SandboxEngine(Options);
        Ticker = new EpochTicker(Engine, TimeSpan.FromMilliseconds(Options.EpochTickMs));
        Ticker.Start();
        Modules = new ProgramModuleCache(Engine, Microsoft.Extensions.Options.Options.Create(Options));
    }

    public ProgramOptions Options { get; }

    public SandboxEngine Engine { get; }

    public EpochTicker Ticker { get; }

    public ProgramModuleCache Modules { get; }

    /// <summary>Compiles (cached) and runs <paramref name="wasm"/>'s <c>onvm_main</c> in the given shape.</summary>
    public Task<ProgramExecution.Result> RunAsync(
        byte[] wasm,
        byte[] input,
        long maxFuel = 50_000_000,
        long maxMemoryBytes = 64L * 1024 * 1024,
        EntrypointShape shape = EntrypointShape.MultiValue,
        Action<ProgramExecution>? started = null,
        long deadline = long.MaxValue)
    {
        var module = Modules.Get(wasm);
        var execution = Create(module, input, maxFuel, maxMemoryBytes, shape, deadline);
        started?.Invoke(execution);
        return _threads.RunAsync(execution.Run);
    }

    public ProgramExecution Create(CompiledModule module, byte[] input, long maxFuel, long maxMemoryBytes, EntrypointShape shape, long deadline = long.MaxValue)
    {
        var program = new ProgramInfo
        {
            Id = "prog" + module.Key[..16],
            Manifest = new ProgramManifest { Name = "sandbox-test", Version = "1.0.0", Entrypoint = "onvm_main" },
            EntrypointShape = shape,
        };
        var request = new ProgramRunRequest
        {
            ProgramId = program.Id,
            Input = input,
            MaxFuel = maxFuel,
            MaxMemoryBytes = maxMemoryBytes,
            Timeout = TimeSpan.FromMinutes(5),
        };
        var state = StateView.FromSnapshot(new StateSnapshot { Version = 0, Entries = [] });
        return new ProgramExecution(Engine, module, program, state, new Dictionary<string, byte[]>(), request, Options, 1, deadline);
    }

    public void Dispose()
    {
        Ticker.Dispose();
        _threads.Dispose();
        Engine.Dispose();
    }
}
