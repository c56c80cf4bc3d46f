using Marketplace.Runtime.Hosting;

namespace Marketplace.Grains.Hosting;

/// <summary>Registers the programs part of the marketplace.</summary>
internal static class ProgramsSiloBuilderExtensions
{
    /// <summary>Adds the programs services and options.</summary>
    public static ISiloBuilder AddPrograms(this ISiloBuilder silo)
    {
        return silo;
    }
}
