using Marketplace.Grains.Execution.Wasi;
using Marketplace.Grains.Tests.Samples;
using Wasmtime;

namespace Marketplace.Grains.Tests.Execution.Wasi;

/// <summary>One fuel-metered Wasmtime engine and WASI runner shared by a test class, and the committed wordcount
/// module compiled on it.</summary>
public sealed class WasiFixture : IDisposable
{
    /// <summary>Creates the engine and runner.</summary>
    public WasiFixture()
    {
        Engine = new Engine(new Config().WithFuelConsumption(true));
        Runner = new WasiRunner(Engine);
        Wordcount = Module.FromBytes(Engine, "wordcount", SamplePrograms.Wasm("wordcount"));
    }

    /// <summary>The engine (fuel on, no epochs).</summary>
    public Engine Engine { get; }

    /// <summary>The runner over <see cref="Engine"/>.</summary>
    internal WasiRunner Runner { get; }

    /// <summary>programs/wordcount/wordcount.wasm.</summary>
    public Module Wordcount { get; }

    /// <summary>Options for a test run; <paramref name="jobId"/> seeds randomness.</summary>
    internal static WasiRunOptions Options(string jobId = "job-1", byte[]? input = null) =>
        new() { JobId = jobId, ProgramName = "test", Input = input ?? [] };

    /// <summary>Compiles a WAT module and runs it.</summary>
    internal WasiRunResult Run(string wat, WasiRunOptions? options = null, long fuel = 10_000_000)
    {
        using var module = Module.FromText(Engine, "test", wat);
        return Runner.Run(module, options ?? Options(), fuel);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Wordcount.Dispose();
        Runner.Dispose();
        Engine.Dispose();
    }
}
