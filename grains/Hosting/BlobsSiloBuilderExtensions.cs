using Marketplace.Runtime.Hosting;

namespace Marketplace.Grains.Hosting;

/// <summary>Registers the blobs part of the marketplace.</summary>
internal static class BlobsSiloBuilderExtensions
{
    /// <summary>Adds the blobs services and options.</summary>
    public static ISiloBuilder AddBlobs(this ISiloBuilder silo)
    {
        return silo;
    }
}
