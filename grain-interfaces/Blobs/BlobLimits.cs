namespace Marketplace.GrainInterfaces;

/// <summary>Fixed sizes of the blob protocol shared by silo and clients.</summary>
public static class BlobLimits
{
    /// <summary>Largest piece one <see cref="IBlobUploadGrain.AppendAsync"/> call takes: 4 MiB.</summary>
    public const int MaxAppendBytes = 4 * 1024 * 1024;

    /// <summary>Largest range one <see cref="IBlobGrain.ReadRangeAsync"/> call returns: 4 MiB.</summary>
    public const int MaxReadBytes = 4 * 1024 * 1024;

    /// <summary>Default upper bound on one blob's size (configurable on the silo): 1 GiB.</summary>
    public const long DefaultMaxBlobBytes = 1L << 30;
}
