// TEMPORARY (removed before the final commit): stands in for the programs helper's ProgramGrain and ProgramRunner
// until they are merged into main, so the job state machine can be exercised.
using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Runtime;
using Marketplace.Wasm;

namespace Marketplace.Grains.Jobs;

/// <summary>Temporary.</summary>
internal static class TemporaryModules
{
    /// <summary>Temporary.</summary>
    public static readonly ConcurrentDictionary<string, byte[]> Wasm = new();
}

/// <summary>Temporary.</summary>
internal sealed class TemporaryProgramGrain : Grain, IProgramGrain
{
    /// <inheritdoc />
    public Task<ProgramInfo> DeployAsync(ProgramDeployment deployment)
    {
        var id = "prog" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(deployment.Wasm));
        TemporaryModules.Wasm[id] = deployment.Wasm;
        return Task.FromResult(new ProgramInfo { Id = id, Manifest = deployment.Manifest });
    }

    /// <inheritdoc />
    public Task<ProgramInfo?> GetInfoAsync() => Task.FromResult(TemporaryModules.Wasm.ContainsKey(this.GetPrimaryKeyString()) ? new ProgramInfo { Id = this.GetPrimaryKeyString() } : null);

    /// <inheritdoc />
    public Task<byte[]> GetModuleAsync() => Task.FromResult(TemporaryModules.Wasm[this.GetPrimaryKeyString()]);
}

/// <summary>Temporary.</summary>
internal sealed class TemporaryProgramRunner : IProgramRunner
{
    private static readonly Engine Engine = new(new Config().WithFuelConsumption(true).WithInterruptCheckInterval(100_000));

    /// <inheritdoc />
    public Task<ProgramRunResult> RunAsync(ProgramRunRequest request, CancellationToken cancellationToken) => Task.Run(() => Run(request, cancellationToken));

    private static ProgramRunResult Run(ProgramRunRequest request, CancellationToken token)
    {
        var watch = Stopwatch.StartNew();
        if (!TemporaryModules.Wasm.TryGetValue(request.ProgramId, out var wasm))
        {
            return new ProgramRunResult { Outcome = ProgramRunOutcome.MissingProgram, Error = "not deployed" };
        }

        var module = Module.FromBytes(Engine, wasm);
        var store = new Store(Engine);
        store.SetFuel((ulong)request.MaxFuel);
        store.SetLimits(memoryPages: (uint)(request.MaxMemoryBytes / Memory.PageSize));
        var instance = new Linker(Engine).Instantiate(store, module);
        var memory = instance.GetMemory("memory")!;
        var old = memory.Grow((uint)((request.Input.Length + Memory.PageSize - 1) / Memory.PageSize));
        var inPtr = old * Memory.PageSize;
        request.Input.Span.CopyTo(memory.GetSpan(inPtr, request.Input.Length));
        var timedOut = false;
        using var timer = new Timer(_ => { timedOut = true; store.Interrupt(); }, null, request.Timeout, Timeout.InfiniteTimeSpan);
        using var reg = token.Register(store.Interrupt);
        try
        {
            var r = instance.GetFunction("onvm_main")!.Invoke(WasmValue.FromInt32((int)inPtr), WasmValue.FromInt32(request.Input.Length));
            var output = memory.GetSpan(r[0].AsInt32(), r[1].AsInt32()).ToArray();
            return new ProgramRunResult { Outcome = ProgramRunOutcome.Succeeded, Output = output, FuelConsumed = (long)store.FuelConsumed, Duration = watch.Elapsed };
        }
        catch (WasmTrap t)
        {
            var outcome = t.Code switch
            {
                TrapCode.OutOfFuel => ProgramRunOutcome.OutOfFuel,
                TrapCode.Interrupted => timedOut ? ProgramRunOutcome.TimedOut : ProgramRunOutcome.Cancelled,
                _ when memory.ByteLength + Memory.PageSize > request.MaxMemoryBytes => ProgramRunOutcome.OutOfMemory,
                _ => ProgramRunOutcome.Trapped,
            };
            return new ProgramRunResult { Outcome = outcome, FuelConsumed = (long)store.FuelConsumed, Error = t.Message, Duration = watch.Elapsed };
        }
    }
}
