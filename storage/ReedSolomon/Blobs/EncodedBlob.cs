namespace Marketplace.Storage.ReedSolomon;

/// <summary>A blob encoded in memory: its manifest and its k + m fragments by index.</summary>
public sealed class EncodedBlob
{
    internal EncodedBlob(BlobManifest manifest, byte[][] fragments)
    {
        Manifest = manifest;
        Fragments = fragments;
    }

    /// <summary>Sizes and digests needed to check and decode the fragments.</summary>
    public BlobManifest Manifest { get; }

    /// <summary>Fragment i at index i: 0..k-1 data, k..k+m-1 parity, each <see cref="BlobManifest.FragmentLength"/> bytes.</summary>
    public IReadOnlyList<byte[]> Fragments { get; }
}
