using Marketplace.Runtime.Hosting;

namespace Marketplace.Grains.Hosting;

/// <summary>Registers the jobs part of the marketplace.</summary>
internal static class JobsSiloBuilderExtensions
{
    /// <summary>Adds the jobs services and options.</summary>
    public static ISiloBuilder AddJobs(this ISiloBuilder silo)
    {
        return silo;
    }
}
