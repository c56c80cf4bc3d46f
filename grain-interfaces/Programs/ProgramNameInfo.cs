namespace Marketplace.GrainInterfaces;

/// <summary>A program name as its grain holds it: who owns it, whom the owner delegated it to, and its versions.</summary>
[GenerateSerializer]
[Alias("marketplace.program-name-info")]
public sealed class ProgramNameInfo
{
    /// <summary>The normalized (lowercase) name.</summary>
    [Id(0)]
    public string Name { get; set; } = "";

    /// <summary>The EIP-55 address that first deployed a program under the name; only it delegates.</summary>
    [Id(1)]
    public string Owner { get; set; } = "";

    /// <summary>The addresses whose signed deploys are accepted besides the owner's, in the order granted.</summary>
    [Id(2)]
    public List<string> Delegates { get; set; } = [];

    /// <summary>The nonce of the last accepted delegation (0: none yet); the next must carry a larger one.</summary>
    [Id(3)]
    public long DelegationNonce { get; set; }

    /// <summary>How many versions are deployed under the name (all letter cases of it).</summary>
    [Id(4)]
    public int VersionCount { get; set; }

    /// <summary>The highest version (semantic-version order) deployed under the name in any letter case.</summary>
    [Id(5)]
    public string LatestVersion { get; set; } = "";
}
