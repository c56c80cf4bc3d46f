using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>
/// The silo-internal side of a blob grain: <see cref="BlobUploadGrain"/> registers a finished upload here. Not part of
/// the client contract (grain-interfaces), so clients cannot register manifests.
/// </summary>
internal interface IBlobRegistryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores <paramref name="manifest"/> as this blob's manifest unless one is stored already, and returns the stored
    /// one (the first registration's media type and creation time win). Throws <see cref="InvalidRequestException"/>
    /// when the manifest does not hash to this grain's id, <see cref="BlobIntegrityException"/> when a chunk it names
    /// is not in the chunk store.
    /// </summary>
    Task<BlobManifest> RegisterAsync(BlobManifest manifest);
}
