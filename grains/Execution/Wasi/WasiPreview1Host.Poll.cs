using System.Buffers.Binary;
using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>poll_oneoff over the logical clock and the always-ready stdio.</summary>
internal static partial class WasiPreview1Host
{
    private const int SubscriptionSize = 48;
    private const int EventSize = 32;
    private const byte EventClock = 0;
    private const byte EventFdRead = 1;
    private const byte EventFdWrite = 2;

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
                if (TryClockDeadline(context, subscription, out var deadline))
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
                if (TryClockDeadline(context, subscription, out var deadline) && deadline <= earliest)
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

    /// <summary>The deadline of a clock subscription (clock id at 16, timeout at 24, flags at 40; flag 1 = absolute)
    /// as elapsed logical time; false for an unknown clock.</summary>
    private static bool TryClockDeadline(WasiContext context, ReadOnlySpan<byte> subscription, out ulong deadline) =>
        context.TryDeadline(
            BinaryPrimitives.ReadInt32LittleEndian(subscription[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(subscription[24..]),
            (BinaryPrimitives.ReadUInt16LittleEndian(subscription[40..]) & 1) != 0,
            out deadline);

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
