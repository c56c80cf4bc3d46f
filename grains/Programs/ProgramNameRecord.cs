using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Programs;

/// <summary>What a program name's grain persists.</summary>
[GenerateSerializer]
[Alias("marketplace.program-name-record")]
internal sealed class ProgramNameRecord
{
    /// <summary>The EIP-55 address that first deployed under the name (empty: nothing deployed).</summary>
    [Id(0)]
    public string Owner { get; set; } = "";

    /// <summary>Every version deployed under the name, in <see cref="ProgramVersionOrder"/>.</summary>
    [Id(1)]
    public List<ProgramInfo> Versions { get; set; } = [];

    /// <summary>The EIP-55 addresses the owner granted deploys under the name, in the order granted.</summary>
    [Id(2)]
    public List<string> Delegates { get; set; } = [];

    /// <summary>The nonce of the last accepted delegation (0: none).</summary>
    [Id(3)]
    public long DelegationNonce { get; set; }
}
