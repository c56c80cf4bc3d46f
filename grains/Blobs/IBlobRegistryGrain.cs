using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>
/// The silo-internal side of a blob grain: <see cref="BlobUploadGrain"/> registers a finished upload here. Not part of
/// the client contract (grain-interfaces), so clients cannot register manifests.
/// </summary>
internal interface IBlobRegistryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores <paramref name="manifest"/> as this blob's manifest unless one is stored already, makes
    /// <paramref name="owner"/>'s client an owner (the silo's authority adds none), and returns the stored manifest (the
    /// first registration's media type and creation time win). Throws <see cref="InvalidRequestException"/> when the
    /// manifest does not hash to this grain's id, <see cref="BlobIntegrityException"/> when a chunk it names is not in
    /// the chunk store, <see cref="BlobAccessListFullException"/> when a new owner finds the access list full (unless
    /// the blob is public: then the owner is not recorded, as every client reads it anyway).
    /// </summary>
    /// <remarks>The manifest is computed by the caller from bytes it wrote to the chunk store, so whoever registers
    /// has held the bytes: that is what makes an uploader an owner.</remarks>
    Task<BlobManifest> RegisterAsync(BlobManifest manifest, BlobCaller owner);
}
