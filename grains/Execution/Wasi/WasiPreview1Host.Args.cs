using System.Buffers.Binary;
using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>argv, environ, clocks, randomness, scheduling, polling and exit.</summary>
internal static partial class WasiPreview1Host
{
    private const int SubscriptionSize = 48;
    private const int EventSize = 32;
    private const byte EventClock = 0;
    private const byte EventFdRead = 1;
    private const byte EventFdWrite = 2;

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

    /// <summary>poll_oneoff without waiting: descriptor subscriptions are always ready (stdin with the input left,
    /// stdout and stderr with the room left under their caps), and are reported alone when present, as are
    /// subscriptions in error. Otherwise only clocks remain: the logical time jumps to the earliest deadline and the
    /// subscriptions due then are reported.</summary>
    private static int PollOneoff(Caller caller, int subscriptionsPointer, int eventsPointer, int count, int eventCountPointer)
    {
        var context = ContextOf(caller);
        var memory = GuestMemory.Of(caller);
        var subscriptionsLength = (long)(uint)count * SubscriptionSize;
        if (subscriptionsLength > int.MaxValue
            || !memory.TryGet(subscriptionsPointer, (int)subscriptionsLength, out var subscriptions)
            || !memory.TryGet(eventsPointer, count * EventSize, out var events)
            || !memory.Contains(eventCountPointer, 4))
        {
            return WasiErrno.Fault;
        }

        if (count == 0)
        {
            return WasiErrno.Inval;
        }

        var written = 0;
        var earliest = ulong.MaxValue;
        for (var i = 0; i < subscriptions.Length; i += SubscriptionSize)
        {
            var subscription = subscriptions.Slice(i, SubscriptionSize);
            var tag = subscription[8];
            if (tag == EventClock)
            {
                var clockId = BinaryPrimitives.ReadInt32LittleEndian(subscription[16..]);
                var timeout = BinaryPrimitives.ReadUInt64LittleEndian(subscription[24..]);
                var absolute = (BinaryPrimitives.ReadUInt16LittleEndian(subscription[40..]) & 1) != 0;
                if (context.TryDeadline(clockId, timeout, absolute, out var deadline))
                {
                    earliest = Math.Min(earliest, deadline);
                    continue;
                }

                WriteEvent(events, written++, subscription, WasiErrno.Inval, EventClock, 0, 0);
            }
            else if (tag is EventFdRead or EventFdWrite)
            {
                var fd = BinaryPrimitives.ReadInt32LittleEndian(subscription[16..]);
                var ready = tag == EventFdRead ? fd == 0 : fd is 1 or 2;
                if (!ready || !context.IsOpen(fd))
                {
                    WriteEvent(events, written++, subscription, WasiErrno.Badf, tag, 0, 0);
                    continue;
                }

                var room = tag == EventFdRead ? context.InputRemaining : fd == 1 ? context.StdoutRemaining : context.StderrRemaining;
                WriteEvent(events, written++, subscription, WasiErrno.Success, tag, (ulong)room, (ushort)(tag == EventFdRead && room == 0 ? 1 : 0));
            }
            else
            {
                WriteEvent(events, written++, subscription, WasiErrno.Inval, tag, 0, 0);
            }
        }

        if (written == 0)
        {
            for (var i = 0; i < subscriptions.Length; i += SubscriptionSize)
            {
                var subscription = subscriptions.Slice(i, SubscriptionSize);
                var clockId = BinaryPrimitives.ReadInt32LittleEndian(subscription[16..]);
                var timeout = BinaryPrimitives.ReadUInt64LittleEndian(subscription[24..]);
                var absolute = (BinaryPrimitives.ReadUInt16LittleEndian(subscription[40..]) & 1) != 0;
                if (context.TryDeadline(clockId, timeout, absolute, out var deadline) && deadline <= earliest)
                {
                    WriteEvent(events, written++, subscription, WasiErrno.Success, EventClock, 0, 0);
                }
            }

            // Only now: the deadlines above are relative to the time before the jump.
            context.AdvanceTo(earliest);
        }

        memory.TryWriteInt32(eventCountPointer, written);
        return WasiErrno.Success;
    }

    private static void WriteEvent(Span<byte> events, int index, ReadOnlySpan<byte> subscription, int errno, byte type, ulong bytes, ushort flags)
    {
        var slot = events.Slice(index * EventSize, EventSize);
        slot.Clear();
        subscription[..8].CopyTo(slot);
        BinaryPrimitives.WriteUInt16LittleEndian(slot[8..], (ushort)errno);
        slot[10] = type;
        BinaryPrimitives.WriteUInt64LittleEndian(slot[16..], bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(slot[24..], flags);
    }
}
