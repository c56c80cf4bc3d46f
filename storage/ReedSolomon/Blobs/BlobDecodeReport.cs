namespace Marketplace.Storage.ReedSolomon;

/// <summary>What a decode found among the fragments it was given.</summary>
public sealed class BlobDecodeReport
{
    internal BlobDecodeReport(int[] rejected, int[] used)
    {
        RejectedFragments = rejected;
        UsedFragments = used;
    }

    /// <summary>
    /// Fragments that were offered but refused, in ascending order: wrong length, a SHA-256 or Merkle root other than
    /// the manifest's, a chunk that changed after it was checked, or a read that failed with an I/O error.
    /// </summary>
    public IReadOnlyList<int> RejectedFragments { get; }

    /// <summary>The fragments the blob was decoded from (k of them for each stripe; their union), ascending.</summary>
    public IReadOnlyList<int> UsedFragments { get; }
}
