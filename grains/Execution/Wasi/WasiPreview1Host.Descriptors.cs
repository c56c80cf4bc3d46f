using System.Buffers.Binary;
using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>The three stdio descriptors: stdin reads the job input, stdout collects the job output, stderr the log.
/// There are no other descriptors.</summary>
internal static partial class WasiPreview1Host
{
    private const int FdstatSize = 24;
    private const int FilestatSize = 64;
    private const ulong RightFdRead = 1UL << 1;
    private const ulong RightFdWrite = 1UL << 6;
    private const ulong RightPollFdReadwrite = 1UL << 27;

    private static void DefineDescriptors(Linker linker)
    {
        linker.DefineFunction(M, "fd_read", (Caller caller, int fd, int iovecs, int iovecCount, int resultPointer) => FdRead(caller, fd, iovecs, iovecCount, resultPointer));
        linker.DefineFunction(M, "fd_write", (Caller caller, int fd, int iovecs, int iovecCount, int resultPointer) => FdWrite(caller, fd, iovecs, iovecCount, resultPointer));
        linker.DefineFunction(M, "fd_close", (Caller caller, int fd) => ContextOf(caller).Close(fd) ? WasiErrno.Success : WasiErrno.Badf);
        linker.DefineFunction(M, "fd_seek", (Caller caller, int fd, long offset, int whence, int resultPointer) => StreamOnly(caller, fd));
        linker.DefineFunction(M, "fd_tell", (Caller caller, int fd, int resultPointer) => StreamOnly(caller, fd));
        linker.DefineFunction(M, "fd_fdstat_get", (Caller caller, int fd, int resultPointer) => StatGet(caller, fd, resultPointer, FdstatSize, rights: true));
        linker.DefineFunction(M, "fd_filestat_get", (Caller caller, int fd, int resultPointer) => StatGet(caller, fd, resultPointer, FilestatSize, rights: false));
        linker.DefineFunction(M, "fd_prestat_get", (Caller caller, int fd, int resultPointer) => WasiErrno.Badf);
        linker.DefineFunction(M, "fd_prestat_dir_name", (Caller caller, int fd, int pathPointer, int pathLength) => WasiErrno.Badf);
    }

    private static int FdRead(Caller caller, int fd, int iovecs, int iovecCount, int resultPointer)
    {
        var context = ContextOf(caller);
        if (fd != 0 || !context.IsOpen(fd))
        {
            return WasiErrno.Badf;
        }

        var memory = GuestMemory.Of(caller);
        if (!memory.TryMeasureIovecs(iovecs, iovecCount, out var capacity) || !memory.Contains(resultPointer, 4))
        {
            return WasiErrno.Fault;
        }

        var count = (int)Math.Min(capacity, context.InputRemaining);
        Charge(caller, context, count);
        var read = 0;
        for (var i = 0; i < iovecCount && read < count; i++)
        {
            read += context.ReadInput(memory.Iovec(iovecs, i));
        }

        memory.TryWriteInt32(resultPointer, read);
        return WasiErrno.Success;
    }

    private static int FdWrite(Caller caller, int fd, int iovecs, int iovecCount, int resultPointer)
    {
        var context = ContextOf(caller);
        if (fd is not (1 or 2) || !context.IsOpen(fd))
        {
            return WasiErrno.Badf;
        }

        var memory = GuestMemory.Of(caller);
        if (!memory.TryMeasureIovecs(iovecs, iovecCount, out var total) || !memory.Contains(resultPointer, 4))
        {
            return WasiErrno.Fault;
        }

        if (total > int.MaxValue)
        {
            return WasiErrno.Inval;
        }

        Charge(caller, context, total);
        if (fd == 1)
        {
            if (!context.TryReserveStdout(total))
            {
                throw context.Fail(WasiRunOutcome.OutputLimitExceeded,
                    $"stdout limit of {context.Options.StdoutLimitBytes} bytes exceeded: {context.Stdout.Length} bytes written, a write of {total} more refused");
            }

            for (var i = 0; i < iovecCount; i++)
            {
                context.AppendStdout(memory.Iovec(iovecs, i));
            }
        }
        else
        {
            for (var i = 0; i < iovecCount; i++)
            {
                context.AppendStderr(memory.Iovec(iovecs, i));
            }
        }

        memory.TryWriteInt32(resultPointer, (int)total);
        return WasiErrno.Success;
    }

    /// <summary>fd_seek and fd_tell: stdio is a stream, so ESPIPE; any other descriptor EBADF.</summary>
    private static int StreamOnly(Caller caller, int fd) => ContextOf(caller).IsOpen(fd) ? WasiErrno.Spipe : WasiErrno.Badf;

    /// <summary>fd_fdstat_get (with <paramref name="rights"/>) and fd_filestat_get (without): a zeroed record of
    /// <paramref name="size"/> bytes. Filetype unknown (0), as for a pipe: not a terminal, so wasi-libc buffers stdout
    /// fully. No flags; a stream has no device, inode, size or times. Rights: read or write plus poll, never seek or
    /// tell.</summary>
    private static int StatGet(Caller caller, int fd, int resultPointer, int size, bool rights)
    {
        if (!ContextOf(caller).IsOpen(fd))
        {
            return WasiErrno.Badf;
        }

        if (!GuestMemory.Of(caller).TryGet(resultPointer, size, out var stat))
        {
            return WasiErrno.Fault;
        }

        stat.Clear();
        if (rights)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(stat[8..], (fd == 0 ? RightFdRead : RightFdWrite) | RightPollFdReadwrite);
        }

        return WasiErrno.Success;
    }
}
