using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>argv, environ, clocks, randomness, scheduling and exit.</summary>
internal static partial class WasiPreview1Host
{
    private static void DefineArgsAndClocks(Linker linker)
    {
        linker.DefineFunction(M, "args_sizes_get", (Caller caller, int countPointer, int sizePointer) =>
            SizesGet(caller, ContextOf(caller).Arguments, countPointer, sizePointer));
        linker.DefineFunction(M, "args_get", (Caller caller, int arrayPointer, int bufferPointer) =>
            StringsGet(caller, ContextOf(caller).Arguments, arrayPointer, bufferPointer));
        linker.DefineFunction(M, "environ_sizes_get", (Caller caller, int countPointer, int sizePointer) =>
            SizesGet(caller, ContextOf(caller).Environment, countPointer, sizePointer));
        linker.DefineFunction(M, "environ_get", (Caller caller, int arrayPointer, int bufferPointer) =>
            StringsGet(caller, ContextOf(caller).Environment, arrayPointer, bufferPointer));
        linker.DefineFunction(M, "clock_res_get", (Caller caller, int clockId, int resultPointer) => ClockResGet(caller, clockId, resultPointer));
        linker.DefineFunction(M, "clock_time_get", (Caller caller, int clockId, long precision, int resultPointer) =>
            ClockTimeGet(caller, clockId, resultPointer));
        linker.DefineFunction(M, "random_get", (Caller caller, int bufferPointer, int length) => RandomGet(caller, bufferPointer, length));
        linker.DefineFunction(M, "sched_yield", (Caller caller) => WasiErrno.Success);
        linker.DefineFunction(M, "poll_oneoff", (Caller caller, int subscriptions, int events, int count, int eventCountPointer) =>
            PollOneoff(caller, subscriptions, events, count, eventCountPointer));
        linker.DefineFunction(M, "proc_exit", (Caller caller, int code) => throw ContextOf(caller).Exit(code));
        linker.DefineFunction(M, "proc_raise", (Caller caller, int signal) => WasiErrno.Nosys);
    }

    private static int SizesGet(Caller caller, WasiContext.StringBlock block, int countPointer, int sizePointer)
    {
        var memory = GuestMemory.Of(caller);
        if (!memory.Contains(countPointer, 4) || !memory.Contains(sizePointer, 4))
        {
            return WasiErrno.Fault;
        }

        memory.TryWriteInt32(countPointer, block.Offsets.Length);
        memory.TryWriteInt32(sizePointer, block.Bytes.Length);
        return WasiErrno.Success;
    }

    private static int StringsGet(Caller caller, WasiContext.StringBlock block, int arrayPointer, int bufferPointer)
    {
        var context = ContextOf(caller);
        var memory = GuestMemory.Of(caller);
        if (!memory.Contains(arrayPointer, (long)block.Offsets.Length * 4) || !memory.TryGet(bufferPointer, block.Bytes.Length, out var buffer))
        {
            return WasiErrno.Fault;
        }

        Charge(caller, context, block.Bytes.Length);
        block.Bytes.CopyTo(buffer);
        for (var i = 0; i < block.Offsets.Length; i++)
        {
            memory.TryWriteInt32(arrayPointer + (i * 4), bufferPointer + block.Offsets[i]);
        }

        return WasiErrno.Success;
    }

    private static int ClockResGet(Caller caller, int clockId, int resultPointer)
    {
        var memory = GuestMemory.Of(caller);
        if (!memory.Contains(resultPointer, 8))
        {
            return WasiErrno.Fault;
        }

        if ((uint)clockId > 3)
        {
            return WasiErrno.Inval;
        }

        memory.TryWriteUInt64(resultPointer, WasiContext.ClockStepNanoseconds);
        return WasiErrno.Success;
    }

    private static int ClockTimeGet(Caller caller, int clockId, int resultPointer)
    {
        var context = ContextOf(caller);
        var memory = GuestMemory.Of(caller);
        if (!memory.Contains(resultPointer, 8))
        {
            return WasiErrno.Fault;
        }

        if (!context.TryReadClock(clockId, out var now))
        {
            return WasiErrno.Inval;
        }

        memory.TryWriteUInt64(resultPointer, now);
        return WasiErrno.Success;
    }

    private static int RandomGet(Caller caller, int bufferPointer, int length)
    {
        var context = ContextOf(caller);
        var memory = GuestMemory.Of(caller);
        if (!memory.TryGet(bufferPointer, length, out var buffer))
        {
            return WasiErrno.Fault;
        }

        Charge(caller, context, buffer.Length);
        context.FillRandom(buffer);
        return WasiErrno.Success;
    }
}
