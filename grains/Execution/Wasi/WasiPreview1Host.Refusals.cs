using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>Functions toolchains import that a job cannot use: there are no preopened directories (so no files) and
/// stdio has no file rights. They are provided so ordinary programs link, and answer with a fixed errno.</summary>
internal static partial class WasiPreview1Host
{
    private static void DefineRefusals(Linker linker)
    {
        // Positional I/O on a stream.
        linker.DefineFunction(M, "fd_pread", (Caller caller, int fd, int iovecs, int iovecCount, long offset, int resultPointer) => StreamOnly(caller, fd));
        linker.DefineFunction(M, "fd_pwrite", (Caller caller, int fd, int iovecs, int iovecCount, long offset, int resultPointer) => StreamOnly(caller, fd));

        // File operations stdio has no right to.
        linker.DefineFunction(M, "fd_sync", (Caller caller, int fd) => NoRight(caller, fd));
        linker.DefineFunction(M, "fd_datasync", (Caller caller, int fd) => NoRight(caller, fd));
        linker.DefineFunction(M, "fd_advise", (Caller caller, int fd, long offset, long length, int advice) => NoRight(caller, fd));
        linker.DefineFunction(M, "fd_allocate", (Caller caller, int fd, long offset, long length) => NoRight(caller, fd));
        linker.DefineFunction(M, "fd_fdstat_set_flags", (Caller caller, int fd, int flags) => NoRight(caller, fd));
        linker.DefineFunction(M, "fd_filestat_set_size", (Caller caller, int fd, long size) => NoRight(caller, fd));
        linker.DefineFunction(M, "fd_filestat_set_times", (Caller caller, int fd, long accessed, long modified, int flags) => NoRight(caller, fd));
        linker.DefineFunction(M, "fd_readdir", (Caller caller, int fd, int buffer, int length, long cookie, int resultPointer) => NoRight(caller, fd));

        // Paths: the job holds no directory capability at all.
        linker.DefineFunction(M, "path_open",
            (Caller caller, int fd, int lookupFlags, int path, int pathLength, int openFlags, long rightsBase, long rightsInheriting, int fdFlags, int resultPointer) =>
                WasiErrno.Notcapable);
        linker.DefineFunction(M, "path_create_directory", (Caller caller, int fd, int path, int pathLength) => WasiErrno.Notcapable);
        linker.DefineFunction(M, "path_remove_directory", (Caller caller, int fd, int path, int pathLength) => WasiErrno.Notcapable);
        linker.DefineFunction(M, "path_unlink_file", (Caller caller, int fd, int path, int pathLength) => WasiErrno.Notcapable);
        linker.DefineFunction(M, "path_filestat_get", (Caller caller, int fd, int flags, int path, int pathLength, int resultPointer) => WasiErrno.Notcapable);
        linker.DefineFunction(M, "path_filestat_set_times",
            (Caller caller, int fd, int flags, int path, int pathLength, long accessed, long modified, int timeFlags) => WasiErrno.Notcapable);
        linker.DefineFunction(M, "path_readlink",
            (Caller caller, int fd, int path, int pathLength, int buffer, int bufferLength, int resultPointer) => WasiErrno.Notcapable);
        linker.DefineFunction(M, "path_rename",
            (Caller caller, int fd, int oldPath, int oldPathLength, int newFd, int newPath, int newPathLength) => WasiErrno.Notcapable);
        linker.DefineFunction(M, "path_link",
            (Caller caller, int oldFd, int oldFlags, int oldPath, int oldPathLength, int newFd, int newPath, int newPathLength) => WasiErrno.Notcapable);
        linker.DefineFunction(M, "path_symlink",
            (Caller caller, int oldPath, int oldPathLength, int fd, int newPath, int newPathLength) => WasiErrno.Notcapable);
    }

    /// <summary>An open stdio descriptor lacks the right (ENOTCAPABLE); any other descriptor does not exist (EBADF).</summary>
    private static int NoRight(Caller caller, int fd) => ContextOf(caller).IsOpen(fd) ? WasiErrno.Notcapable : WasiErrno.Badf;
}
