// Design note: the field kernels are machine code generated at start-up, so they need memory the CPU may execute.
// The pages are mapped read-write, filled, then switched to read-execute with mprotect before any call: they are
// never writable and executable at once (W^X), which is also what .NET's own JIT does by default. The mapping
// lives as long as the process (the kernels are static), so it is never unmapped. Linux only: elsewhere the
// managed field code runs (see FieldKernels).
using System.Runtime.InteropServices;

namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>A block of read-only executable memory holding code copied in at creation.</summary>
internal static unsafe partial class ExecutableMemory
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    /// <summary>Maps <paramref name="code"/> into fresh read-execute pages.</summary>
    /// <exception cref="ExecutableMemoryException">The OS refused (or the C library could not be called).</exception>
    internal static IntPtr Load(ReadOnlySpan<byte> code)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new ExecutableMemoryException("executable memory for the field kernels is implemented for Linux only");
        }

        try
        {
            return MapAndProtect(code);
        }
        catch (DllNotFoundException e)
        {
            throw new ExecutableMemoryException("the C library (mmap, mprotect) could not be loaded: " + e.Message);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new ExecutableMemoryException("the C library lacks mmap or mprotect: " + e.Message);
        }
    }

    private static IntPtr MapAndProtect(ReadOnlySpan<byte> code)
    {
        nuint size = (nuint)((code.Length + 4095) & ~4095);
        IntPtr block = Mmap(IntPtr.Zero, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, IntPtr.Zero);
        if (block == new IntPtr(-1))
        {
            throw new ExecutableMemoryException($"mmap of {size} bytes failed (errno {Marshal.GetLastPInvokeError()})");
        }

        code.CopyTo(new Span<byte>((void*)block, code.Length));
        if (Mprotect(block, size, ProtRead | ProtExec) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            _ = Munmap(block, size);
            throw new ExecutableMemoryException($"mprotect(PROT_READ | PROT_EXEC) failed (errno {errno})");
        }

        return block;
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial IntPtr Mmap(IntPtr address, nuint length, int protection, int flags, int fd, IntPtr offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(IntPtr address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(IntPtr address, nuint length);
}
