namespace Marketplace.GrainInterfaces;

/// <summary>A deploy request: the module, its manifest and the deployer's signature over both.</summary>
[GenerateSerializer]
[Alias("marketplace.program-deployment")]
public sealed class ProgramDeployment
{
    /// <summary>The wasm module bytes.</summary>
    [Id(0)]
    public byte[] Wasm { get; set; } = [];

    /// <summary>The manifest.</summary>
    [Id(1)]
    public ProgramManifest Manifest { get; set; } = new();

    /// <summary>65-byte secp256k1 recoverable signature (r ‖ s ‖ v) over the deploy digest the programs library
    /// defines (Keccak-256 of a canonical encoding of manifest and module hash); the deployer is the recovered
    /// Ethereum address.</summary>
    [Id(2)]
    public byte[] Signature { get; set; } = [];

    /// <summary>The address the signer claims (EIP-55 or lowercase <c>0x</c> + 40 hex); when set, the signature must
    /// recover to it, which turns a tampered module or manifest into a signature error instead of a deploy by some
    /// other address. <see cref="ProgramDeployments.Create"/> sets it.</summary>
    [Id(3)]
    public string? Deployer { get; set; }
}
