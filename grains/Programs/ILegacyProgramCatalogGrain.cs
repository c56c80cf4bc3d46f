using Marketplace.GrainInterfaces;
using Orleans.Concurrency;

namespace Marketplace.Grains.Programs;

/// <summary>
/// The silo-internal side of the catalog grain during the move from the single record of earlier versions (every
/// program in one list) to one grain per name: a name grain that has never stored a record takes its versions from
/// here when it activates. Not part of the client contract.
/// </summary>
internal interface ILegacyProgramCatalogGrain : IGrainWithStringKey
{
    /// <summary>The programs the single record holds under the normalized name <paramref name="name"/>, in the order
    /// they were deployed (the first one's deployer owns the name); empty when it holds none or is moved already.
    /// Interleaves with the catalog's own move, which activates the name grains that call it.</summary>
    [AlwaysInterleave]
    Task<List<ProgramInfo>> GetLegacyVersionsAsync(string name);
}
