namespace Marketplace.Storage.ReedSolomon.Kernels;

/// <summary>Whether a region loop overwrites its destination or XORs into it (a compile-time switch per loop).</summary>
internal interface IWriteMode
{
    /// <summary>True: dst ^= product; false: dst = product.</summary>
    static abstract bool Accumulate { get; }
}

/// <summary>dst = product.</summary>
internal readonly struct OverwriteMode : IWriteMode
{
    public static bool Accumulate => false;
}

/// <summary>dst ^= product.</summary>
internal readonly struct AccumulateMode : IWriteMode
{
    public static bool Accumulate => true;
}
