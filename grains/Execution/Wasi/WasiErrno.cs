namespace Marketplace.Grains.Execution.Wasi;

/// <summary>The <c>errno</c> values of <c>wasi_snapshot_preview1</c> that this host returns (witx numbering, as in
/// wasi-libc's <c>wasi/api.h</c>). Every host function returns one of these as its i32 result.</summary>
internal static class WasiErrno
{
    /// <summary>No error.</summary>
    public const int Success = 0;

    /// <summary>Bad file descriptor: not one of the open stdio descriptors (there are no others).</summary>
    public const int Badf = 8;

    /// <summary>A guest pointer or length lies outside linear memory.</summary>
    public const int Fault = 21;

    /// <summary>Invalid argument (unknown clock id, zero subscriptions, bad whence).</summary>
    public const int Inval = 28;

    /// <summary>Function not supported (<c>proc_raise</c>).</summary>
    public const int Nosys = 52;

    /// <summary>Invalid seek: stdio descriptors are streams.</summary>
    public const int Spipe = 70;

    /// <summary>Capabilities insufficient: the job has no filesystem, and stdio lacks the right asked for.</summary>
    public const int Notcapable = 76;
}
